/**
 * What a refused send says to the person who tried it. The api's own sentence (its
 * `detail`: "You are muted until 10:32.") is shown as it is; slow mode and rate limits
 * say how long to wait (`Retry-After`), and the page keeps sending off until then.
 */
import { type ProblemError, describeProblem } from "../../../api/problem";

export interface Refusal {
  /** The sentence to show. */
  message: string;
  /** When sending can work again (ms since the epoch), for slow mode and rate limits. */
  retryAt: number | null;
}

export function refusalOf(error: ProblemError, now: number): Refusal {
  const wait = error.retryAfterSeconds;
  const retryAt = wait !== null && error.status === 429 ? now + wait * 1000 : null;
  if (error.type === "slow-mode") {
    return {
      message: wait !== null ? `Slow mode: wait ${wait} s before sending again.` : describeProblem(error.problem),
      retryAt,
    };
  }
  if (error.status === 429 && wait !== null) {
    return { message: `${describeProblem(error.problem)} Wait ${wait} s.`, retryAt };
  }
  return { message: describeProblem(error.problem), retryAt };
}

/** Seconds left to wait (rounded up), or 0. */
export function secondsLeft(refusal: Refusal, now: number): number {
  return refusal.retryAt === null ? 0 : Math.max(0, Math.ceil((refusal.retryAt - now) / 1000));
}
