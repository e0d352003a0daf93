import { Hand } from "lucide-react";
import { Icon } from "../../../shared/icons/Icon";
import { useState } from "react";
import { describeProblem, toProblemError } from "../../../api/problem";
import { useApi } from "../../../auth/useApi";
import type { RaisedHand } from "../../../api/types";
import { lowerHand, raiseHand } from "../lib/stage-api";

interface RaiseHandButtonProps {
  sessionId: string;
  /** My user id. */
  userId: string;
  /** Raised hands, in order (from the live session). */
  hands: readonly RaisedHand[];
}

/**
 * Raises or lowers my hand. The button follows the class's state, so a hand the teacher
 * lowered (or took on stage) shows as lowered here too; my place in the queue is shown.
 */
export function RaiseHandButton({ sessionId, userId, hands }: RaiseHandButtonProps) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const place = hands.findIndex((hand) => hand.user_id === userId);
  const raised = place >= 0;

  async function toggle() {
    setBusy(true);
    setError(null);
    try {
      if (raised) await lowerHand(api, sessionId, userId);
      else await raiseHand(api, sessionId);
    } catch (failure) {
      setError(describeProblem(toProblemError(failure).problem));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="raise-hand">
      <button
        type="button"
        className={raised ? "button button--primary" : "button"}
        aria-pressed={raised}
        aria-busy={busy}
        disabled={busy}
        onClick={() => void toggle()}
      >
        <Icon glyph={Hand} /> {raised ? "Lower hand" : "Raise hand"}
      </button>
      <span className="muted small" role="status">
        {raised ? (place === 0 ? "Your hand is up: you're first." : `Your hand is up: ${ordinal(place + 1)} in line.`) : ""}
      </span>
      {error ? <span className="field__error">{error}</span> : null}
    </div>
  );
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}
