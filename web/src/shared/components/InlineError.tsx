import type { ReactNode } from "react";
import type { ProblemError } from "../../api/problem";
import { describeProblem } from "../../api/problem";

/** A short error beside what failed, announced as it appears; nothing when there is none. */
export function InlineError({ children }: { children: ReactNode }) {
  if (children === null || children === undefined || children === false || children === "") return null;
  return (
    <p className="field__error" role="alert">
      {children}
    </p>
  );
}

/** "Couldn't run it again. <the api's sentence>": what failed, then why; nothing without a failure. */
export function ProblemMessage({ what, problem }: { what: string; problem: ProblemError | null | undefined }) {
  return <InlineError>{problem ? `${what} ${describeProblem(problem.problem)}` : null}</InlineError>;
}
