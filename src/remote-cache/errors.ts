// What a cache import or export error means, from the text BuildKit, the cache services and buildx print.
// Shapes from real logs: fixtures/corpus/remote-cache/ (each file names its source).
import type { CacheErrorKind } from '../model/report.js';

/** Checked in this order: the first that matches names the error. */
const KINDS: [CacheErrorKind, RegExp][] = [
  ['legacy-service', /legacy service is shutting down/i],
  ['docker-driver', /cache export (?:feature )?is (?:currently )?not supported for (?:the )?docker driver/i],
  ['reserve-failed', /unable to reserve cache/i],
  ['already-exists', /cache already exists/i],
  ['throttled', /\b429\b|RequestBlocked|too many requests|rate.?limit/i],
  ['timeout', /maximum timeout reached|DeadlineExceeded|deadline exceeded|i\/o timeout/i],
  ['unauthorized', /\b40[13]\b|unauthori[sz]ed|forbidden|denied|authentication required/i],
  ['blob-not-found', /blob not found|blob unknown|\bnot_found\b/i],
  ['not-found', /: not found$|manifest unknown|\b404\b/i],
  ['unreachable', /connection refused|no such host|network is unreachable|dial tcp/i],
  ['server-error', /\b50\d\b|service unavailable|bad gateway|internal server error/i],
];

export function cacheErrorKind(text: string): CacheErrorKind {
  for (const [kind, re] of KINDS) if (re.test(text)) return kind;
  return 'other';
}

/** The docker driver refusing `cache-to` ends the build before it starts: only the final error says so. */
export function isDockerDriverExportError(text: string): boolean {
  return KINDS[1][1].test(text);
}

/** One sentence on what the error means, for each kind. */
export const ERROR_MEANING: Record<CacheErrorKind, string> = {
  'legacy-service':
    'the GitHub Actions cache service v1 that this BuildKit talks to was shut down on 15 April 2025; BuildKit 0.20 and later use the new service',
  'docker-driver':
    "the docker driver's builder cannot export a cache (only inline) unless the daemon uses the containerd image store",
  'reserve-failed':
    'another job was writing the same cache key at the same time, so the cache service refused this one',
  'already-exists':
    'an entry with this key was already written in this scope (by an earlier attempt or another job writing the same scope)',
  throttled: "the cache service throttled the requests (HTTP 429): too many requests for the repository's cache",
  timeout: 'the cache service did not answer in time (BuildKit gives up after its timeout, 10 minutes for gha)',
  unauthorized:
    'the registry refused the credentials (401/403): not logged in, or the token may not read or write there',
  'blob-not-found': 'a layer the cache index names was missing from the store (evicted or written partly)',
  'not-found': 'nothing exists under this ref or scope',
  unreachable: 'the registry could not be reached (down, wrong host or port, or no network)',
  'server-error': 'the cache service failed (HTTP 5xx)',
  other: 'the cache backend failed',
};
