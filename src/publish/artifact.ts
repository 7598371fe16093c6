// The workflow artifact: the report's files uploaded with @actions/artifact (the results service's
// twirp API behind ACTIONS_RESULTS_URL, blob storage behind the signed URL it hands out).
import { DefaultArtifactClient } from '@actions/artifact';
import type { UploadedArtifact } from './artifact-name.js';

/** The service's refusal of a name already used in this run (HTTP 409, twirp `already_exists`). */
function nameTaken(err: unknown): boolean {
  const msg = err instanceof Error ? err.message : String(err);
  return /\(409\)|already exists/i.test(msg);
}

export async function uploadArtifact(
  name: string,
  files: string[],
  rootDir: string,
  retentionDays: number | undefined,
  env: NodeJS.ProcessEnv = process.env,
  log: (msg: string) => void = () => {},
): Promise<UploadedArtifact> {
  const client = new DefaultArtifactClient();
  const upload = () => client.uploadArtifact(name, files, rootDir, retentionDays ? { retentionDays } : {});
  let res;
  try {
    res = await upload();
  } catch (err) {
    if (!nameTaken(err)) throw err;
    // Artifact names are unique per run across its attempts, so "Re-run jobs" meets the artifact this job
    // uploaded the first time: the new attempt's report replaces it. In a first attempt the name belongs
    // to another job or step, which is never deleted.
    const attempt = Number(env.GITHUB_RUN_ATTEMPT ?? '1');
    if (!(attempt > 1))
      throw new Error(
        `another job or step of this run already uploaded an artifact named '${name}': give each job its own ` +
          '`report-id` (or `artifact-name`)',
      );
    const gone = await client.deleteArtifact(name);
    log(`Replaced the artifact '${name}' (id ${gone.id}) of an earlier attempt of this run`);
    res = await upload();
  }
  if (res.id === undefined) throw new Error('the artifact service returned no artifact id');
  const server = env.GITHUB_SERVER_URL || 'https://github.com';
  const url =
    env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}/artifacts/${res.id}`
      : null;
  return { name, id: res.id, size: res.size ?? 0, url };
}
