// The remote-cache tests' own engine and registry (.ci/remote-cache-up.sh): a dockerd of their own, so emptying
// its builder cache never touches builds on the shared engine, and Debian's docker-registry on localhost.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DOCKER, plainBuildArgs, type BuildOptions, type PlainBuild } from './docker.js';
import { buildRawjson, type RawjsonBuild } from './record-rawjson.js';

export const RC_SOCKET = '/run/bca-remote-cache/docker.sock';
export const RC_DOCKER_HOST = `unix://${RC_SOCKET}`;
export const RC_REGISTRY = 'localhost:5516';
/** Nothing listens there: a registry that is down. */
export const RC_REGISTRY_DOWN = 'localhost:5519';
const UP_SCRIPT = fileURLToPath(new URL('../../.ci/remote-cache-up.sh', import.meta.url));

/** Starts the registry and the engine when they are not up (idempotent); false when that is not possible here. */
export function remoteCacheUp(): { ok: boolean; message: string } {
  if (process.getuid?.() !== 0) return { ok: false, message: 'needs root to start dockerd' };
  const r = spawnSync('bash', [UP_SCRIPT], { encoding: 'utf8', timeout: 120_000 });
  return { ok: r.status === 0, message: r.stderr ?? '' };
}

export function rcDocker(args: string[], timeoutMs = 60_000): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(DOCKER, args, {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, DOCKER_HOST: RC_DOCKER_HOST },
  });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

/** Empties this engine's builder cache and drops the images named, as a fresh CI runner would be. */
export function emptyBuilder(images: string[] = []): void {
  for (const image of images) rcDocker(['rmi', '-f', image]);
  const r = rcDocker(['builder', 'prune', '-af'], 120_000);
  if (r.status !== 0) throw new Error(`docker builder prune failed: ${r.stderr}`);
  // BuildKit 0.8 returns from the prune before its clean-up ends (see pruneBuildCache in docker.ts).
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
}

export interface RcBuildOptions extends BuildOptions {
  /** `--build-arg BUILDKIT_INLINE_CACHE=1`: the image carries its cache metadata (BuildKit 0.8's only exporter). */
  inlineCache?: boolean;
}

function withInline(opts: RcBuildOptions): BuildOptions {
  // RUN steps need a network of their own unless told otherwise: this engine has no bridge.
  const base = { network: 'none', ...opts };
  return opts.inlineCache ? { ...base, buildArgs: { ...opts.buildArgs, BUILDKIT_INLINE_CACHE: '1' } } : base;
}

/** `docker build --progress=plain` on this engine; resolves with the log whatever the exit code. */
export function rcBuildPlain(opts: RcBuildOptions): Promise<PlainBuild> {
  return new Promise((resolve, reject) => {
    const child = spawn(DOCKER, plainBuildArgs(withInline(opts)), {
      env: { ...process.env, DOCKER_BUILDKIT: '1', DOCKER_HOST: RC_DOCKER_HOST },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ exitCode: code ?? -1, log: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** The same build through this engine's API, its progress as rawjson. */
export function rcBuildRawjson(opts: RcBuildOptions): Promise<RawjsonBuild> {
  return buildRawjson(withInline(opts), RC_SOCKET);
}

export function rcPush(ref: string): void {
  const r = rcDocker(['push', ref], 120_000);
  if (r.status !== 0) throw new Error(`docker push ${ref} failed: ${r.stderr}`);
}
