// The workflow artifact: the report's files uploaded with @actions/artifact (the results service's
// twirp API behind ACTIONS_RESULTS_URL, blob storage behind the signed URL it hands out).
import { DefaultArtifactClient } from '@actions/artifact';
import type { UploadedArtifact } from './artifact-name.js';

export async function uploadArtifact(
  name: string,
  files: string[],
  rootDir: string,
  retentionDays: number | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<UploadedArtifact> {
  const client = new DefaultArtifactClient();
  const res = await client.uploadArtifact(name, files, rootDir, retentionDays ? { retentionDays } : {});
  if (res.id === undefined) throw new Error('the artifact service returned no artifact id');
  const server = env.GITHUB_SERVER_URL || 'https://github.com';
  const url =
    env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}/artifacts/${res.id}`
      : null;
  return { name, id: res.id, size: res.size ?? 0, url };
}
