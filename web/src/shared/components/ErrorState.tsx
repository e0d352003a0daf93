import { type ProblemError, describeProblem } from "../../api/problem";

interface ErrorStateProps {
  /** A heading saying what failed: "Couldn't load your courses". */
  title: string;
  problem: ProblemError;
  onRetry?: () => void;
}

export function ErrorState({ title, problem, onRetry }: ErrorStateProps) {
  return (
    <div className="error-state" role="alert">
      <p className="error-state__title">{title}</p>
      <p>{describeProblem(problem.problem)}</p>
      {problem.problem.request_id ? (
        <p className="muted small">Reference: {problem.problem.request_id}</p>
      ) : null}
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/** A part of a page that could not be loaded, in a line: what and why, and Try again. */
export function PartError({ what, problem, onRetry }: { what: string; problem: ProblemError | null; onRetry(): void }) {
  if (problem === null) return null;
  return (
    <div className="error-state" role="alert">
      <p>
        {what} {describeProblem(problem.problem)}
      </p>
      <button type="button" className="button button--small" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
