// Runs real BuildKit builds for the integration tests through the Docker CLI.
// Always /usr/bin/docker: Debian's 20.10 client does BuildKit builds with DOCKER_BUILDKIT=1;
// the 28.x client that some images put in /usr/local/bin refuses them without buildx.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const DOCKER = '/usr/bin/docker';
export const DOCKER_SOCKET = '/var/run/docker.sock';
/** The offline base image .ci/docker-up.sh imports (no registry is reachable from the builds). */
export const BASE_IMAGE = 'local/busybox:1';

export interface BuildOptions {
  /** Build context directory. */
  context: string;
  /** Dockerfile path relative to the context (default `Dockerfile`). */
  dockerfile?: string;
  tag: string;
  buildArgs?: Record<string, string>;
  noCache?: boolean;
  target?: string;
  /** `--cache-from` refs. */
  cacheFrom?: string[];
  /** `--network` for RUN steps (`none` on an engine started with `--bridge=none`). */
  network?: string;
}

export interface PlainBuild {
  exitCode: number;
  /** stderr and stdout as they arrived: the `--progress=plain` log. */
  log: string;
}

/** A synchronous docker CLI call; for short commands (info, prune, rmi). */
export function docker(args: string[], timeoutMs = 60_000): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(DOCKER, args, { encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

/** True when the CLI and the daemon answer; both recorders need the socket as well. */
export function dockerAvailable(): boolean {
  if (!existsSync(DOCKER) || !existsSync(DOCKER_SOCKET)) return false;
  return docker(['info', '--format', '{{.ServerVersion}}'], 15_000).status === 0;
}

export function dockerServerVersion(): string {
  return docker(['version', '--format', '{{.Server.Version}}']).stdout.trim();
}

export function baseImagePresent(): boolean {
  return docker(['image', 'inspect', BASE_IMAGE]).status === 0;
}

/** Drops all build cache, so the next build is really cold (images are kept, the base image too). */
export function pruneBuildCache(): void {
  const r = docker(['builder', 'prune', '-af'], 120_000);
  if (r.status !== 0) throw new Error(`docker builder prune failed: ${r.stderr}`);
  // Seen on Docker 20.10 / BuildKit 0.8: the prune returns while its clean-up still runs, and the
  // first build after it then loses its fresh cache records (the next build misses them, about 1 in 2).
  // Waiting before the next build avoided it in every run (a build within ~0 s after it did not).
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, PRUNE_SETTLE_MS);
}

const PRUNE_SETTLE_MS = 2000;

export function plainBuildArgs(opts: BuildOptions): string[] {
  const args = ['build', '--progress=plain', '-f', join(opts.context, opts.dockerfile ?? 'Dockerfile'), '-t', opts.tag];
  for (const [k, v] of Object.entries(opts.buildArgs ?? {})) args.push('--build-arg', `${k}=${v}`);
  if (opts.noCache) args.push('--no-cache');
  if (opts.target) args.push('--target', opts.target);
  for (const ref of opts.cacheFrom ?? []) args.push('--cache-from', ref);
  if (opts.network) args.push('--network', opts.network);
  args.push(opts.context);
  return args;
}

/** `DOCKER_BUILDKIT=1 docker build --progress=plain ...`; resolves with the log whatever the exit code. */
export function buildPlain(opts: BuildOptions): Promise<PlainBuild> {
  return new Promise((resolve, reject) => {
    const child = spawn(DOCKER, plainBuildArgs(opts), {
      env: { ...process.env, DOCKER_BUILDKIT: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ exitCode: code ?? -1, log: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** Integration suites run against the real engine; in CI a missing engine fails them instead of skipping. */
export function describeWithDocker(available: boolean): jest.Describe {
  return available || process.env.CI ? describe : describe.skip;
}
