import { useEffect, useRef, useState } from "react";

interface EndClassButtonProps {
  busy: boolean;
  /** Resolves true when the class ended. */
  onConfirm(): Promise<boolean>;
}

/** "End class", then a confirmation, because ending cannot be undone. */
export function EndClassButton({ busy, onConfirm }: EndClassButtonProps) {
  const [confirming, setConfirming] = useState(false);
  const keepGoingRef = useRef<HTMLButtonElement | null>(null);

  // The safe choice gets focus, so a stray Enter does not end the class.
  useEffect(() => {
    if (confirming) keepGoingRef.current?.focus();
  }, [confirming]);

  if (!confirming) {
    return (
      <button type="button" className="button button--danger" onClick={() => setConfirming(true)}>
        End class
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label="Confirm ending the class">
      <span className="confirm__question">End the class for everyone?</span>
      <button
        type="button"
        className="button button--danger"
        disabled={busy}
        onClick={async () => {
          if (!(await onConfirm())) setConfirming(false);
        }}
      >
        {busy ? "Ending…" : "End class now"}
      </button>
      <button ref={keepGoingRef} type="button" className="button" disabled={busy} onClick={() => setConfirming(false)}>
        Keep going
      </button>
    </div>
  );
}
