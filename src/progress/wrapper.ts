// Lines that tools around BuildKit write into the same output: the GitHub Actions runner and its log
// downloads, docker/build-push-action and bake-action, docker compose (v1 and v2), buildx and Docker
// Desktop. They are neither progress nor broken input. Each shape here was seen in a real log.

/** Workflow-command and runner markers: `##[group]Run ...`, `##[endgroup]`, `##[error]...`, `::group::`. */
const RUNNER_MARKER = /^(?:##\[[a-z]+\]|::(?:group|endgroup|error|warning|notice|debug|add-mask|stop-commands)\b)/;
/** The runner's echo of a command (`[command]/usr/bin/docker buildx build ...`). */
const RUNNER_COMMAND = /^\[command\]/;
/** The build's failure as the actions report it (the build's own `ERROR:` line says the same). */
export const ACTION_FAILURE = /^(?:##\[error\]|::error::|Error: )?buildx (?:bake )?failed with: (.*)$/;
/**
 * One-line shapes of compose, buildx and Docker Desktop around a build:
 * `View build details: docker-desktop://...`, compose v2's `[+] Building 12.3s (20/20) FINISHED`,
 * `[+] Running 3/3`, `[+] build 1/1`, ` ✔ Network x Created`, ` Image x Built`, ` api  Built`,
 * ` Service api  Building`, `Compose now can delegate build to bake ...`, compose v1's `Building api`,
 * the CLI's `What's next:` hints, Render's and fly's `==> Building image` / `--> build:` and `error: exit status 1`, Jenkins' `[Pipeline] stage`, `Build step 'Execute shell' marked build as failure` and `Finished: SUCCESS`, `docker buildx rm`'s `<builder> removed`, make's `make: *** [Makefile:35: release] Error 1`.
 */
const ONE_LINERS =
  /^(?:View build details: docker-desktop:\/\/|\[\+\] (?:Building|Running|build|up|down|Pulling|Creating|Starting|Stopping|Removing|Copying) |\s*[✔✘⠿✓✗]\s|\s*(?:Image|Service|Container|Network|Volume) \S+\s+(?:Built|Building|Creating|Created|Starting|Started|Running|Stopping|Stopped|Removing|Removed|Waiting|Healthy|Recreate|Recreated|Pulling|Pulled)\b|\s*\S+\s+Built$|Compose now can delegate build to bake|Building \S+$|What's [Nn]ext[?:]|\s+(?:View a summary of image vulnerabilities|Learn more at https:\/\/docs\.docker\.com|Sign in to your Docker account|\d\. (?:Sign in|View a summary))|Use 'docker scan' to run Snyk|Error: Process completed with exit code \d+\.?$|(?:==|--)> |error: exit status \d+$|\[Pipeline\] |Finished: (?:SUCCESS|FAILURE|UNSTABLE|ABORTED|NOT_BUILT)$|Build step '[^']*' marked build as \w+$|[\w.-]+ removed$|make(?:\[\d+\])?: \*\*\* )/;

/** The runner's post-job steps begin: what follows that is not progress is the runner's. */
export const POST_JOB = /^Post job cleanup\.$/;

/** True for a line a wrapper around the build wrote (never BuildKit's own). */
export function isWrapperLine(line: string): boolean {
  const c = line.charCodeAt(0);
  // `#` (35) and digits never start a wrapper line the cheap way: `##[` does.
  if (c === 35) return line.charCodeAt(1) === 35 && RUNNER_MARKER.test(line);
  if (c === 58 || c === 91) return RUNNER_MARKER.test(line) || RUNNER_COMMAND.test(line) || ONE_LINERS.test(line);
  return ONE_LINERS.test(line) || ACTION_FAILURE.test(line) || POST_JOB.test(line);
}

/** `##[group]...` opens a fold of the runner's log; `##[endgroup]` closes it. */
export function groupMarker(line: string): 'open' | 'close' | null {
  if (line.startsWith('##[group]') || line.startsWith('::group::')) return 'open';
  if (line.startsWith('##[endgroup]') || line.startsWith('::endgroup::')) return 'close';
  return null;
}
