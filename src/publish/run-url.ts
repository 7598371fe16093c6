/**
 * The page of this workflow run on GitHub (it lists the run's artifacts), from the runner's variables;
 * null outside a run or when the variables do not make a plain https URL.
 */
export function workflowRunUrl(env: NodeJS.ProcessEnv = process.env): string | null {
  const { GITHUB_SERVER_URL: server = 'https://github.com', GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = env;
  if (!repo || !run) return null;
  const url = `${server}/${repo}/actions/runs/${run}`;
  return /^https:\/\/[^\s()<>]+$/.test(url) ? url : null;
}
