// What the artifact is called and whether it can be uploaded: kept apart from the upload so the
// action loads @actions/artifact only when it uploads.

/** Artifact names may not hold `" : < > | * ? \r \n \ /`; a matrix job's report id is folded to what is allowed. */
export function artifactName(name: string, reportId: string): string {
  const base = name.trim() || 'buildkit-cache-report';
  const id = reportId.trim() ? `-${reportId.trim()}` : '';
  return `${base}${id}`.replace(/[":<>|*?\r\n\\/]+/g, '-');
}

/** Why an upload cannot even be tried (not on a GitHub runner), or null. */
export function artifactUnavailable(env: NodeJS.ProcessEnv = process.env): string | null {
  if (!env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL)
    return 'ACTIONS_RUNTIME_TOKEN/ACTIONS_RESULTS_URL are not set (not a GitHub-hosted job step)';
  return null;
}

export interface UploadedArtifact {
  name: string;
  id: number;
  size: number;
  /** The artifact's page on GitHub, when the run is known. */
  url: string | null;
}
