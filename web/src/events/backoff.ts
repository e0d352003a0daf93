/**
 * How long to wait before the next reconnection attempt: exponential, capped, and
 * jittered so that a class full of students who lost the server at the same moment do
 * not all come back at the same moment.
 */

export interface BackoffPolicy {
  /** The ceiling of the first wait. */
  initialMs: number;
  /** No wait is longer than this. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000 };

/**
 * The wait before attempt `attempt` (0 for the first retry): a random point in the upper
 * half of `min(maxMs, initialMs · 2^attempt)` ("equal jitter"), so it never collapses
 * to zero and still spreads clients out. `random` returns a number in [0, 1).
 */
export function reconnectDelay(attempt: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  const spread = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling / 2 + (spread * ceiling) / 2);
}
