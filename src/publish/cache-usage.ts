// The repository's Actions cache use (`GET /repos/{owner}/{repo}/actions/cache/usage`): near the 10 GB limit, GitHub
// evicts the least recently used entries, so a gha build cache written now may be gone by the next build.
import type { getOctokit } from '@actions/github';
import type { ActionsCacheUsage } from '../model/report.js';

type Octokit = ReturnType<typeof getOctokit>;

/** GitHub's per-repository Actions cache limit (the default; larger limits are a paid setting). */
export const ACTIONS_CACHE_LIMIT_BYTES = 10 * 1024 ** 3;
/** A network call never waits longer than this. */
export const USAGE_DEADLINE_MS = 10_000;

export interface CacheUsageOpts {
  octokit: Octokit;
  owner: string;
  repo: string;
  timeoutMs?: number;
  limitBytes?: number;
}

export type CacheUsageResponse = { usage: ActionsCacheUsage } | { usage: null; reason: string };

export async function fetchCacheUsage(opts: CacheUsageOpts): Promise<CacheUsageResponse> {
  const limitBytes = opts.limitBytes ?? ACTIONS_CACHE_LIMIT_BYTES;
  try {
    const { data } = await opts.octokit.rest.actions.getActionsCacheUsage({
      owner: opts.owner,
      repo: opts.repo,
      request: { signal: AbortSignal.timeout(opts.timeoutMs ?? USAGE_DEADLINE_MS) },
    });
    const activeBytes = Number(data.active_caches_size_in_bytes);
    if (!Number.isFinite(activeBytes) || activeBytes < 0) return { usage: null, reason: 'GitHub answered no size' };
    return {
      usage: {
        activeBytes,
        activeCount: Number(data.active_caches_count) || 0,
        limitBytes,
        share: activeBytes / limitBytes,
      },
    };
  } catch (err) {
    const e = err as { status?: number; name?: string; message?: string; cause?: { name?: string } };
    // Octokit reports its own abort as an HttpError 500 whose cause is the signal's TimeoutError.
    const aborted = [e.name, e.cause?.name].some((n) => n === 'TimeoutError' || n === 'AbortError');
    if (aborted || /operation was aborted/i.test(e.message ?? ''))
      return { usage: null, reason: `GitHub did not answer within ${(opts.timeoutMs ?? USAGE_DEADLINE_MS) / 1000}s` };
    if (e.status === 403 || e.status === 404)
      return { usage: null, reason: `GitHub answered ${e.status} (the token needs 'actions: read')` };
    return { usage: null, reason: e.status ? `GitHub answered ${e.status}` : (e.message ?? 'unknown error') };
  }
}
