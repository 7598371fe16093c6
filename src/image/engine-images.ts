// Reads images over the Docker Engine API's unix socket instead of the CLI: the same answers (the CLI prints the
// API's JSON), without a CLI process per question (each took 40-70 ms and as much CPU, five of them per measured
// build). Used only when proven to be the daemon the CLI built with: the socket knows the build's image by its id.
// Anything else (a remote DOCKER_HOST, another context, no socket, a tag instead of an id) stays on the CLI.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { dockerImages, historyEntries, notLocal, parseInspect } from './docker-image.js';
import type { ImageReader } from './types.js';

const TIMEOUT_MS = 60_000;
const DEFAULT_SOCKET = '/var/run/docker.sock';

/**
 * The unix socket the docker CLI would use with this environment, or null when it would use something else
 * (DOCKER_HOST over tcp or ssh, a context other than the default one).
 */
export function localSocket(env: NodeJS.ProcessEnv = process.env): string | null {
  const host = env.DOCKER_HOST;
  if (host) return host.startsWith('unix://') ? host.slice('unix://'.length) : null;
  const context = env.DOCKER_CONTEXT || currentContext(env);
  return context && context !== 'default' ? null : DEFAULT_SOCKET;
}

/** `currentContext` of the CLI's config.json (`docker context use`), when there is one. */
function currentContext(env: NodeJS.ProcessEnv): string | null {
  try {
    const dir = env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { currentContext?: unknown };
    return typeof config.currentContext === 'string' ? config.currentContext : null;
  } catch {
    return null;
  }
}

type Answer = { ok: true; body: string } | { ok: false; reason: string };

/** One request to the engine; its failure (refused, timed out, an error status) as a reason, never thrown. */
function ask(socketPath: string, method: string, path: string, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request({ socketPath, method, path, timeout: timeoutMs, headers: { host: 'docker' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => resolve({ ok: false, reason: err.message }));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve({ ok: true, body });
        // The engine's errors are `{"message": "No such image: x"}`, what the CLI prints after "Error: ".
        let message = '';
        try {
          message = String((JSON.parse(body) as { message?: unknown }).message ?? '');
        } catch {
          /* not JSON: the status says it */
        }
        resolve({ ok: false, reason: message || `the engine answered ${status} to ${method} ${path}` });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', (err) => resolve({ ok: false, reason: `the engine at ${socketPath}: ${err.message}` }));
    req.end();
  });
}

/** The engine's socket as an ImageReader (what `docker image inspect`, `history` and `image rm` ask). */
export function socketImages(socketPath: string, timeoutMs = TIMEOUT_MS): ImageReader {
  // Image references hold `/`, `:` and `@`, which the engine's routes take as they are (so does the CLI).
  const path = (ref: string) => `/images/${encodeURI(ref)}`;
  return {
    async inspect(ref) {
      const r = await ask(socketPath, 'GET', `${path(ref)}/json`, timeoutMs);
      return r.ok ? parseInspect(ref, r.body) : notLocal(ref, r.reason);
    },
    async history(ref) {
      const r = await ask(socketPath, 'GET', `${path(ref)}/history`, timeoutMs);
      if (!r.ok) return notLocal(ref, r.reason);
      let list: unknown;
      try {
        list = JSON.parse(r.body);
      } catch {
        return notLocal(ref, 'the engine gave a history that is not JSON');
      }
      const entries = Array.isArray(list) ? historyEntries(list) : 'the engine gave a history that is not a list';
      return typeof entries === 'string' ? notLocal(ref, entries) : { available: true, entries };
    },
    async remove(tag) {
      const r = await ask(socketPath, 'DELETE', path(tag), timeoutMs);
      return r.ok ? null : r.reason;
    },
  };
}

export interface ChosenReader {
  images: ImageReader;
  via: 'engine-api' | 'cli';
}

/**
 * The socket when the CLI's environment points at it and it holds `image` (an image id, `sha256:…`) under that
 * very id: then it is the daemon that built it. The CLI otherwise.
 */
export async function chooseImageReader(
  docker: string,
  image: string | null,
  timeoutMs?: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChosenReader> {
  const cli: ChosenReader = { images: dockerImages(docker, timeoutMs), via: 'cli' };
  const socket = localSocket(env);
  if (!socket || !image || !/^sha256:[0-9a-f]{64}$/.test(image)) return cli;
  const api = socketImages(socket, timeoutMs);
  const seen = await api.inspect(image);
  return seen.available && seen.id === image ? { images: api, via: 'engine-api' } : cli;
}
