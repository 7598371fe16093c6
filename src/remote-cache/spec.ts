// `cache-from` / `cache-to` values as buildx reads them (`type=gha,scope=api,mode=max`, or a bare registry ref),
// reduced to what the report may show: attributes that can hold credentials or service URLs are dropped.
import type { CacheBackend } from '../model/report.js';

export interface CacheSpec {
  type: CacheBackend;
  /** Registry ref (`ref=` or a bare value), else null. */
  ref: string | null;
  /** gha scope (BuildKit's default is `buildkit`), s3/azblob `name`. */
  scope: string | null;
  mode: 'min' | 'max' | null;
  ignoreError: boolean | null;
  /** The value with only the attributes below kept, safe to print. */
  text: string;
}

/** Attributes shown in reports; anything else (tokens, keys, URLs, secrets) is never repeated. */
const SHOWN = [
  'type',
  'ref',
  'scope',
  'mode',
  'ignore-error',
  'name',
  'bucket',
  'region',
  'compression',
  'image-manifest',
];
const TYPES: readonly string[] = ['registry', 'inline', 'gha', 's3', 'azblob', 'local'];

/** Splits `a=b,c="d,e"` the way buildx's CSV reader does (quotes keep commas). */
function fields(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

export function parseCacheSpec(value: string): CacheSpec {
  const attrs = new Map<string, string>();
  const parts = fields(value.trim());
  if (parts.length === 1 && !parts[0].includes('=')) attrs.set('ref', parts[0]);
  else
    for (const part of parts) {
      const eq = part.indexOf('=');
      if (eq > 0) attrs.set(part.slice(0, eq).toLowerCase(), part.slice(eq + 1));
    }
  const rawType = attrs.get('type') ?? 'registry';
  const type = (TYPES.includes(rawType) ? rawType : 'unknown') as CacheBackend;
  const mode = attrs.get('mode');
  const ignore = attrs.get('ignore-error');
  const text = SHOWN.filter((k) => attrs.has(k))
    .map((k) => `${k}=${attrs.get(k)}`)
    .join(',');
  return {
    type,
    ref: attrs.get('ref') ?? null,
    scope: type === 'gha' ? (attrs.get('scope') ?? 'buildkit') : (attrs.get('name') ?? null),
    mode: type === 'inline' ? 'min' : mode === 'max' ? 'max' : mode === 'min' || mode === undefined ? 'min' : null,
    ignoreError: ignore === undefined ? false : ignore === 'true',
    text: attrs.has('type') ? text : `type=registry,${text}`,
  };
}

/** The action's `cache-from` and `cache-to` inputs, when run mode knows them (absent for a saved log). */
export interface CacheInputs {
  from: CacheSpec[];
  to: CacheSpec[];
  /** The action's `report-id`: set per matrix job, it tells jobs apart that may share one cache scope. */
  reportId: string | null;
  /** `BUILDKIT_INLINE_CACHE=1` among the build args: the image carries an inline cache. */
  inline: boolean;
  /** The ref the job runs for (`GITHUB_REF`): gha caches are scoped by it (a pull request's are its own). */
  gitRef: string | null;
}

export function cacheInputs(
  from: string[],
  to: string[],
  reportId: string | null = null,
  buildArgs: string[] = [],
  gitRef: string | null = null,
): CacheInputs {
  return {
    from: from.filter((v) => v.trim()).map(parseCacheSpec),
    to: to.filter((v) => v.trim()).map(parseCacheSpec),
    reportId,
    inline: buildArgs.some((a) => /^BUILDKIT_INLINE_CACHE=(1|true)$/i.test(a.trim())),
    gitRef: gitRef || null,
  };
}
