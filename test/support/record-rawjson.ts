// Records a build's progress as rawjson without buildx: the context goes as a tar to the Engine
// API (`POST /build?version=2` selects BuildKit), and each `moby.buildkit.trace` line of the
// response carries one StatusResponse that buildkit-status.ts turns into a rawjson line.
// Through the API the context arrives as a remote tarball, so the log has
// `[internal] load remote build context` and `copy /context /` where the CLI's has
// `[internal] load build context`.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { traceToRawjson } from './buildkit-status.js';
import { DOCKER_SOCKET, type BuildOptions } from './docker.js';

/** API version of Docker 20.10; BuildKit builds need >= 1.39. */
const API_VERSION = 'v1.41';

export interface RawjsonBuild {
  /** The response ended without an error message. */
  exitOk: boolean;
  /** The build's error (`error` of the last message, or the HTTP error body). */
  error: string | null;
  /** One client.SolveStatus JSON per line, as `--progress=rawjson` prints them. */
  rawjson: string;
  /** `sha256:...` of the built image, from the `moby.image.id` aux message. */
  imageId: string | null;
  /** Text of `stream` messages (the daemon's own notes, not progress). */
  stream: string;
}

export function buildQuery(opts: BuildOptions): string {
  const q = new URLSearchParams({ version: '2', t: opts.tag, dockerfile: opts.dockerfile ?? 'Dockerfile' });
  if (opts.buildArgs && Object.keys(opts.buildArgs).length) q.set('buildargs', JSON.stringify(opts.buildArgs));
  if (opts.noCache) q.set('nocache', '1');
  if (opts.target) q.set('target', opts.target);
  if (opts.cacheFrom?.length) q.set('cachefrom', JSON.stringify(opts.cacheFrom));
  if (opts.network) q.set('networkmode', opts.network);
  return `/${API_VERSION}/build?${q}`;
}

interface JsonMessage {
  id?: string;
  aux?: unknown;
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
  message?: string;
}

/** Sorts the daemon's JSON messages into progress lines and the rest. */
export function collect(lines: string[]): Omit<RawjsonBuild, 'exitOk'> {
  const rawjson: string[] = [];
  let error: string | null = null;
  let imageId: string | null = null;
  let stream = '';
  for (const line of lines) {
    if (!line.trim()) continue;
    const m = JSON.parse(line) as JsonMessage;
    if (m.id === 'moby.buildkit.trace' && typeof m.aux === 'string') rawjson.push(traceToRawjson(m.aux));
    else if (m.id === 'moby.image.id' && m.aux && typeof m.aux === 'object')
      imageId = (m.aux as { ID?: string }).ID ?? null;
    else if (m.error !== undefined || m.errorDetail) error = m.errorDetail?.message ?? m.error ?? 'unknown error';
    else if (typeof m.stream === 'string') stream += m.stream;
    else if (typeof m.message === 'string') error = m.message; // an HTTP error body
  }
  return { rawjson: rawjson.join('\n'), error, imageId, stream };
}

/** Builds through the Engine API and returns the progress as rawjson. */
export function buildRawjson(opts: BuildOptions, socketPath = DOCKER_SOCKET): Promise<RawjsonBuild> {
  return new Promise((resolve, reject) => {
    const tar = spawn('tar', ['-C', opts.context, '-c', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let tarErr = '';
    tar.stderr.on('data', (c: Buffer) => (tarErr += c.toString()));
    tar.on('error', reject);

    const req = request(
      {
        socketPath,
        method: 'POST',
        path: buildQuery(opts),
        headers: { 'Content-Type': 'application/x-tar' },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('error', reject);
        res.on('end', () => {
          try {
            const out = collect(body.split('\n'));
            const httpOk = (res.statusCode ?? 0) < 400;
            if (!httpOk && !out.error) out.error = `HTTP ${res.statusCode}: ${body.trim()}`;
            resolve({ ...out, exitOk: httpOk && out.error === null });
          } catch (e) {
            reject(e);
          }
        });
      },
    );
    req.on('error', reject);
    tar.on('close', (code) => {
      if (code !== 0) req.destroy(new Error(`tar exited ${code}: ${tarErr}`));
    });
    tar.stdout.pipe(req);
  });
}
