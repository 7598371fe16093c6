/** Thrown when a network operation did not finish within its budget. */
export class DeadlineError extends Error {}

/**
 * The budget of an operation, in ms: `BCA_DEADLINE_SCALE` (tests) scales every budget at once, so a test of a
 * service that never answers ends in seconds.
 */
export function budgetMs(ms: number, env: NodeJS.ProcessEnv = process.env): number {
  const scale = Number(env.BCA_DEADLINE_SCALE);
  return Number.isFinite(scale) && scale > 0 ? Math.round(ms * scale) : ms;
}

/**
 * The operation's result, or a DeadlineError once `ms` have passed. The operation itself is abandoned, not
 * stopped (the libraries it runs in take no signal): the entry exits when the action is done, whatever is
 * still waiting on a socket.
 */
export function withDeadline<T>(operation: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DeadlineError(`${what} did not finish within ${Math.round(ms / 100) / 10} s`)),
      ms,
    );
  });
  return Promise.race([operation, deadline]).finally(() => clearTimeout(timer));
}
