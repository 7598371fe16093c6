/** An error from GitHub's API, as Octokit throws it. */
export interface ApiError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined> };
}

export function httpStatus(err: unknown): number | null {
  const s = (err as ApiError)?.status;
  return typeof s === 'number' ? s : null;
}

function retryable(err: unknown): boolean {
  const status = httpStatus(err);
  if (status === null) return false;
  if (status >= 500 || status === 429) return true;
  // A secondary or primary rate limit answers 403 with the limit spent.
  const headers = (err as ApiError).response?.headers ?? {};
  return status === 403 && (headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined);
}

/** Calls `fn`, again after a growing pause when GitHub answers 5xx or a rate limit (3 tries in all). */
export async function withRetry<T>(fn: () => Promise<T>, baseDelayMs = 1000, tries = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= tries || !retryable(err)) throw err;
      await new Promise((r) => setTimeout(r, baseDelayMs * 2 ** (attempt - 1)));
    }
  }
}
