import { describeProblem } from "../../../api/problem";
import type { ActionFailure } from "../../../shared/hooks/useAction";

/** A failed action's title and the api's sentence, dismissable. */
export function ActionAlert({ failure, onDismiss }: { failure: ActionFailure | null; onDismiss(): void }) {
  if (failure === null) return null;
  return (
    <div className="interactions__alert" role="alert">
      <p>
        <strong>{failure.title}.</strong> {describeProblem(failure.problem.problem)}
      </p>
      <button type="button" className="button button--link" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
