import { lastLine, runDocker } from './docker-cli.js';

/** What the docker CLI at hand can do, which decides how the build is run and captured. */
export interface DockerCaps {
  /** `docker buildx` exists. */
  buildx: boolean;
  buildxVersion: string | null;
  /** `--progress=rawjson` (buildx >= 0.12): structured progress with inputs and exact times. */
  rawjson: boolean;
  /** `--metadata-file` (buildx). */
  metadataFile: boolean;
  /** `docker buildx history logs --progress rawjson` (buildx >= 0.23). */
  historyLogs: boolean;
  serverVersion: string;
}

/** Asks the CLI and the daemon; a daemon that does not answer is an error with its own message. */
export async function detectCaps(docker: string): Promise<DockerCaps> {
  // Every question at once, in one round: each docker call costs tens of milliseconds, and the answers about
  // buildx are only read when it is there.
  const [versions, version, build, history] = await Promise.all([
    runDocker(docker, ['version', '--format', '{{.Server.Version}}\n{{.Client.Version}}'], { timeoutMs: 30_000 }),
    runDocker(docker, ['buildx', 'version'], { timeoutMs: 30_000 }),
    runDocker(docker, ['buildx', 'build', '--help']),
    runDocker(docker, ['buildx', 'history', 'logs', '--help']),
  ]);
  const [serverVersion = '', client = ''] = versions.stdout
    .trim()
    .split('\n')
    .map((l) => l.trim());
  if (versions.status !== 0 || !serverVersion) {
    throw new Error(`cannot reach the Docker daemon: ${lastLine(versions.stderr) || 'no answer'}`);
  }
  const buildx = version.status === 0 && /buildx/i.test(version.stdout);
  if (!buildx && Number(client.split('.')[0]) >= 23) {
    // Docker 23+ runs BuildKit builds only through buildx: `docker build` would refuse.
    throw new Error(
      `the docker CLI '${docker}' (${client}) has no buildx, and Docker 23+ builds with BuildKit only through buildx: install buildx (docker/setup-buildx-action) or set the 'docker' input to a CLI that has it`,
    );
  }
  const help = buildx ? build.stdout : '';
  const historyHelp = buildx ? history.stdout : '';
  return {
    buildx,
    buildxVersion: buildx ? (/\bv?(\d+\.\d+\.\d+\S*)/.exec(version.stdout)?.[1] ?? null) : null,
    rawjson: buildx && help.includes('rawjson'),
    metadataFile: buildx && help.includes('--metadata-file'),
    historyLogs: historyHelp.includes('rawjson'),
    serverVersion,
  };
}
