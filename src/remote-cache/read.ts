// Reads BuildKit's cache import and export vertices (every version, plain and rawjson) into the report's
// `remoteCache` part. The vertex names and statuses come from BuildKit's solver and cache exporters:
//   importing cache manifest from <ref | gha:<hash> | local:<hash> | s3:... | azblob:...>
//     inferred cache manifest type: <media type>, found N layers in cache, verifying signature of cache index
//   exporting cache (< 0.11, and inline), exporting inline cache, exporting cache to registry,
//   exporting to GitHub Actions Cache (older: exporting to GitHub cache), exporting cache to client directory,
//   exporting cache to Amazon S3, exporting cache to Azure Blob Storage
//     preparing build cache for export, writing layer sha256:..., writing config sha256:...,
//     writing cache manifest / writing cache image manifest sha256:..., sending cache export,
//     skipping cache export for empty result, signing cache index
import type { Vertex } from '../progress/types.js';
import type { CacheBackend, CacheExport, CacheImport, Step } from '../model/report.js';
import { cacheErrorKind } from './errors.js';
import type { CacheInputs, CacheSpec } from './spec.js';

const IMPORT = /^importing cache manifest from (.+)$/;
const KEYED_IMPORT = /^(gha|local|s3|azblob):\S+$/;
const EXPORTS: [RegExp, CacheBackend][] = [
  [/^exporting cache to registry$/, 'registry'],
  [/^exporting to GitHub (?:Actions )?[Cc]ache$/, 'gha'],
  [/^exporting cache to client directory$/, 'local'],
  [/^exporting cache to Amazon S3$/, 's3'],
  [/^exporting cache to Azure Blob Storage$/, 'azblob'],
  [/^exporting inline cache$/, 'inline'],
  [/^exporting cache$/, 'unknown'],
];
const FOUND_LAYERS = /^found (\d+) layers? in cache/;
const MANIFEST_TYPE = /^inferred cache manifest type: (\S+)/;

/** A cache vertex's name without a bake or platform label (`[api] exporting cache to registry`). */
function bareName(v: Vertex): string {
  return v.label.raw === null ? v.name : v.label.text;
}

export function isImportVertex(v: Vertex): boolean {
  const name = bareName(v);
  return name.startsWith('importing ') && IMPORT.test(name);
}

export function exportBackend(v: Vertex): CacheBackend | null {
  const name = bareName(v);
  if (!name.startsWith('exporting ')) return null; // every step's name is asked: the regexes only for these
  for (const [re, backend] of EXPORTS) if (re.test(name)) return backend;
  return null;
}

export function isCacheVertex(v: Vertex): boolean {
  return isImportVertex(v) || exportBackend(v) !== null;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function readImport(v: Vertex, ref: string, inputs: CacheInputs | null, used: Set<CacheSpec>): CacheImport {
  const keyed = KEYED_IMPORT.exec(ref);
  let backend: CacheBackend = keyed ? (keyed[1] as CacheBackend) : 'registry';
  // The input it came from: the same registry ref, else the next unused input of the same backend.
  const spec =
    inputs?.from.find((s) => !used.has(s) && !keyed && s.ref === ref) ??
    inputs?.from.find((s) => !used.has(s) && s.type === backend && (keyed !== null || s.ref === null));
  if (spec) {
    used.add(spec);
    if (!keyed && spec.type === 'inline') backend = 'inline';
  }
  let manifestType: string | null = null;
  let layersFound: number | null = null;
  for (const p of v.progress) {
    const found = FOUND_LAYERS.exec(p.id);
    if (found) layersFound = Number(found[1]);
    const type = MANIFEST_TYPE.exec(p.id);
    if (type) manifestType = type[1];
  }
  const failed = v.outcome === 'error' || v.outcome === 'canceled';
  const error = failed ? (v.error ?? 'canceled') : null;
  return {
    ref,
    backend,
    input: spec?.text ?? null,
    seconds: v.seconds === null ? null : round(v.seconds),
    outcome: failed ? 'error' : v.outcome === 'unfinished' ? 'unfinished' : 'ok',
    error,
    errorKind: error === null ? null : cacheErrorKind(error),
    manifestType,
    layersFound,
  };
}

function readExport(v: Vertex, printed: CacheBackend, spec: CacheSpec | null, inline: boolean): CacheExport {
  // BuildKit < 0.11 names every export `exporting cache`; the input (or BUILDKIT_INLINE_CACHE) tells which.
  const backend = printed !== 'unknown' ? printed : (spec?.type ?? (inline ? 'inline' : 'unknown'));
  let preparingSeconds: number | null = null;
  let layers = v.progressOmitted;
  let bytes: number | null = null;
  let skipped = false;
  for (const p of v.progress) {
    if (p.id.startsWith('preparing build cache for export')) preparingSeconds = p.seconds;
    else if (p.id.startsWith('skipping cache export for empty result')) skipped = true;
    else if (p.id.startsWith('writing layer ')) {
      layers++;
      const size = p.total ?? p.current;
      if (size !== null) bytes = (bytes ?? 0) + size;
    }
  }
  const failed = v.outcome === 'error';
  return {
    backend,
    ref: spec ? (spec.ref ?? spec.scope) : null,
    mode: backend === 'inline' ? 'min' : (spec?.mode ?? null),
    ignoreError: spec ? spec.ignoreError : null,
    // An export that ended in error prints no time: the preparing it printed is the least it took.
    seconds: v.seconds !== null ? round(v.seconds) : preparingSeconds,
    preparingSeconds,
    layers,
    bytes,
    outcome: failed
      ? 'error'
      : skipped
        ? 'skipped'
        : v.outcome === 'done' || v.outcome === 'cached'
          ? 'ok'
          : 'unfinished',
    error: failed ? v.error : null,
    errorKind: failed && v.error ? cacheErrorKind(v.error) : null,
  };
}

export interface CacheVertices {
  imports: CacheImport[];
  exports: CacheExport[];
  /** Index in the vertex list of each export. */
  exportAt: number[];
}

export function readCacheVertices(vertices: Vertex[], inputs: CacheInputs | null): CacheVertices {
  const imports: CacheImport[] = [];
  const exports: CacheExport[] = [];
  const usedFrom = new Set<CacheSpec>();
  const exportSpecs = [...(inputs?.to ?? [])];
  const exportAt: number[] = [];
  for (let at = 0; at < vertices.length; at++) {
    const v = vertices[at];
    const name = bareName(v);
    const m = name.startsWith('importing ') ? IMPORT.exec(name) : null;
    if (m) {
      imports.push(readImport(v, m[1], inputs, usedFrom));
      continue;
    }
    const printed = exportBackend(v);
    if (printed === null) continue;
    const i = exportSpecs.findIndex((s) => printed === 'unknown' || s.type === printed);
    const spec = i >= 0 ? exportSpecs.splice(i, 1)[0] : null;
    exports.push(readExport(v, printed, spec, inputs?.inline ?? false));
    exportAt.push(at);
  }
  return { imports, exports, exportAt };
}

/**
 * The cached steps an import served. On a runner whose local cache was empty (GitHub's), every CACHED step came from
 * the import; layers pulled under a CACHED step prove it for that step (BuildKit fetches them from the cache source).
 */
export function servedSteps(
  steps: Step[],
  vertices: Vertex[],
  idByKey: Map<string, string>,
  imports: CacheImport[],
): { steps: string[]; evidence: 'layers-pulled' | 'cached-after-import' | 'none' } {
  if (!imports.some((i) => i.outcome === 'ok')) return { steps: [], evidence: 'none' };
  const cached = steps.filter((s) => s.status === 'cached').map((s) => s.id);
  const pulled = vertices.some(
    (v) => v.outcome === 'cached' && idByKey.has(v.key) && v.progress.some((p) => p.id.startsWith('pulling sha256:')),
  );
  return { steps: cached, evidence: cached.length === 0 ? 'none' : pulled ? 'layers-pulled' : 'cached-after-import' };
}
