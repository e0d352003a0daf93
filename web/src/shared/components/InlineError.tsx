import type { ReactNode } from "react";
import { type ProblemError, describeProblem } from "../../api/problem";
import type { ActionFailure } from "../hooks/useAction";

/** A short error beside what failed, announced as it appears; nothing when there is none. */
export function InlineError({ children }: { children: ReactNode }) {
  if (children === null || children === undefined || children === false || children === "") return null;
  return (
    <p className="field__error" role="alert">
      {children}
    </p>
  );
}

/**
 * "Couldn't run it again. <the api's sentence>": what failed (when the place does not
 * say it already), then why; nothing without a failure.
 */
export function ProblemMessage({ what, problem }: { what?: string; problem: ProblemError | null | undefined }) {
  if (!problem) return null;
  const why = describeProblem(problem.problem);
  return <InlineError>{what ? `${what} ${why}` : why}</InlineError>;
}

/** A failed action (`useAction`): its title, then the api's sentence ("Couldn't extend the class. …"). */
export function ActionError({ failure }: { failure: ActionFailure | null }) {
  return <ProblemMessage what={failure ? `${failure.title}.` : undefined} problem={failure?.problem} />;
}
