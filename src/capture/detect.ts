import { lastLine, runDocker } from './docker-cli.js';

/** What the docker CLI at hand can do, which decides how the build is run and captured. */
export interface DockerCaps {
  /** `docker buildx` exists. */
  buildx: boolean;
  /** `--progress=rawjson` (buildx >= 0.12): structured progress with inputs and exact times. */
  rawjson: boolean;
  /** `--metadata-file` (buildx). */
  metadataFile: boolean;
  serverVersion: string;
}

/** Asks the CLI and the daemon; a daemon that does not answer is an error with its own message. */
export async function detectCaps(docker: string): Promise<DockerCaps> {
  // Two questions at once: each docker call costs tens of milliseconds, of CPU as much as of waiting.
  const [versions, build] = await Promise.all([
    runDocker(docker, ['version', '--format', '{{.Server.Version}}\n{{.Client.Version}}'], { timeoutMs: 30_000 }),
    runDocker(docker, ['buildx', 'build', '--help'], { timeoutMs: 30_000 }),
  ]);
  const [serverVersion = '', client = ''] = versions.stdout
    .trim()
    .split('\n')
    .map((l) => l.trim());
  if (versions.status !== 0 || !serverVersion) {
    throw new Error(`cannot reach the Docker daemon: ${lastLine(versions.stderr) || 'no answer'}`);
  }
  // Without buildx the CLI answers with its own usage (and exit status 0), not buildx build's.
  const help = build.status === 0 && /\bbuildx build\b/.test(build.stdout) ? build.stdout : '';
  const buildx = help !== '';
  if (!buildx && Number(client.split('.')[0]) >= 23) {
    // Docker 23+ runs BuildKit builds only through buildx: `docker build` would refuse.
    throw new Error(
      `the docker CLI '${docker}' (${client}) has no buildx, and Docker 23+ builds with BuildKit only through buildx: install buildx (docker/setup-buildx-action) or set the 'docker' input to a CLI that has it`,
    );
  }
  return {
    buildx,
    rawjson: help.includes('rawjson'),
    metadataFile: help.includes('--metadata-file'),
    serverVersion,
  };
}
