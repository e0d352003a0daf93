import { useAuth } from "../../../auth/useAuth";
import { ErrorState } from "../../../shared/components/ErrorState";

/** A stored session that could not be checked: retry, or start over by signing in. */
export function SessionUnavailable() {
  const { state, retryRestore, signOut } = useAuth();
  if (state.status !== "unavailable") return null;
  return (
    <div className="page page--narrow">
      <ErrorState title="Couldn't restore your session" problem={state.problem} onRetry={retryRestore} />
      <p>
        <button type="button" className="button button--link" onClick={signOut}>
          Sign in again instead
        </button>
      </p>
    </div>
  );
}
