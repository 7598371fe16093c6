// Reads an image from the local image store through the docker CLI. Never throws: a missing
// image, a daemon that does not answer or a CLI that cannot run are all "not available", with
// the reason, because a size that cannot be read must be reported, not crash the report.
import { lastLine, runDocker } from '../capture/docker-cli.js';
import { inferEmptyLayer } from './history-text.js';
import type { HistoryEntry, ImageHistoryResponse, ImageInspectResponse, ImageReader } from './types.js';

const TIMEOUT_MS = 60_000;

type Run = { ok: true; stdout: string } | { ok: false; reason: string };

/** A docker command through the project's one runner, its failure as a reason (never thrown). */
async function tryDocker(docker: string, args: string[], timeoutMs = TIMEOUT_MS): Promise<Run> {
  try {
    const r = await runDocker(docker, args, { timeoutMs });
    if (r.status === 0) return { ok: true, stdout: r.stdout };
    if (r.timedOut) return { ok: false, reason: `\`docker ${args[0]} ${args[1] ?? ''}\` timed out` };
    return {
      ok: false,
      reason: lastLine(r.stderr) || `\`docker ${args.slice(0, 2).join(' ')}\` exited with ${r.status}`,
    };
  } catch (err) {
    const notFound = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return { ok: false, reason: `the docker CLI '${docker}' ${notFound ? 'was not found' : 'cannot be run'}` };
  }
}

export function notLocal(ref: string, why: string): { available: false; reason: string } {
  return { available: false, reason: `image ${ref} is not available locally (${why})` };
}

/** The wire shape of `docker image inspect` (upstream casing), only the fields used. */
interface InspectJson {
  Id: string;
  Size: number;
  RootFS?: { Layers?: string[] };
  Os?: string;
  Architecture?: string;
  Variant?: string;
}

/** Parses `docker image inspect --format '{{json .}}'` output. */
export function parseInspect(ref: string, stdout: string): ImageInspectResponse {
  let json: InspectJson;
  try {
    json = JSON.parse(stdout) as InspectJson;
  } catch {
    return notLocal(ref, '`docker image inspect` printed no JSON');
  }
  if (typeof json.Size !== 'number') return notLocal(ref, '`docker image inspect` gave no Size');
  const platform = [json.Os, json.Architecture, json.Variant].filter(Boolean).join('/');
  return { available: true, id: json.Id, sizeBytes: json.Size, layers: json.RootFS?.Layers ?? [], platform };
}

/** `docker image inspect`: id, total size in bytes, layer diff ids and platform. */
export async function inspectImage(docker: string, ref: string, timeoutMs?: number): Promise<ImageInspectResponse> {
  const r = await tryDocker(docker, ['image', 'inspect', '--format', '{{json .}}', ref], timeoutMs);
  return r.ok ? parseInspect(ref, r.stdout) : notLocal(ref, r.reason);
}

/** One entry of `docker history --format '{{json .}}'` (a string Size) or of the Engine API's history (a number). */
interface HistoryJson {
  CreatedBy?: string;
  Size?: string | number;
  Comment?: string;
}

/** History entries as the CLI or the engine lists them (newest first), oldest first; a string says what is wrong. */
export function historyEntries(list: readonly unknown[]): HistoryEntry[] | string {
  const entries: HistoryEntry[] = [];
  for (const item of list) {
    const json = (item ?? {}) as HistoryJson;
    const size = String(json.Size ?? '');
    if (!/^\d+$/.test(size)) return `a \`docker history\` size is not a byte count ('${size}')`;
    const sizeBytes = Number(size);
    const createdBy = json.CreatedBy ?? '';
    entries.push({
      createdBy,
      sizeBytes,
      emptyLayer: inferEmptyLayer(createdBy, sizeBytes),
      comment: json.Comment ?? '',
    });
  }
  return entries.reverse();
}

/**
 * Parses `docker history --no-trunc --human=false --format '{{json .}}'` (newest first, one
 * JSON object a line) into entries oldest first. With `--human=false` Size is the layer's byte
 * count as a decimal string (the CLI formats the API's int64 with strconv), so it is exact.
 */
export function parseHistory(stdout: string): HistoryEntry[] | string {
  const list: unknown[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    try {
      list.push(JSON.parse(line));
    } catch {
      return 'a `docker history` line is not JSON';
    }
  }
  return historyEntries(list);
}

/** The image's history, oldest entry first. */
export async function imageHistory(docker: string, ref: string, timeoutMs?: number): Promise<ImageHistoryResponse> {
  const args = ['history', '--no-trunc', '--human=false', '--format', '{{json .}}', ref];
  const r = await tryDocker(docker, args, timeoutMs);
  if (!r.ok) return notLocal(ref, r.reason);
  const entries = parseHistory(r.stdout);
  if (typeof entries === 'string') return notLocal(ref, entries);
  return { available: true, entries };
}

/** Untags (and so deletes, when it was the only tag) a temporary image; returns why not, or null. */
export async function removeTag(docker: string, tag: string, timeoutMs?: number): Promise<string | null> {
  const r = await tryDocker(docker, ['image', 'rm', tag], timeoutMs);
  return r.ok ? null : r.reason;
}

/** The docker CLI as an ImageReader. */
export function dockerImages(docker: string, timeoutMs?: number): ImageReader {
  return {
    inspect: (ref) => inspectImage(docker, ref, timeoutMs),
    history: (ref) => imageHistory(docker, ref, timeoutMs),
    remove: (tag) => removeTag(docker, tag, timeoutMs),
  };
}
