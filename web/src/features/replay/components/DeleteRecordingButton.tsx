import { useEffect, useId, useRef, useState } from "react";
import { describeProblem } from "../../../api/problem";
import { useApi } from "../../../auth/useApi";
import { InlineError } from "../../../shared/components/InlineError";
import { useAction } from "../../../shared/hooks/useAction";
import { deleteRecording } from "../lib/replay-api";

interface DeleteRecordingButtonProps {
  sessionId: string;
  /** The recording is gone (the api answered 204). */
  onDeleted(): void;
}

/**
 * Hosts: "Delete recording", then a confirmation that says what goes (the video, its
 * transcript, captions and chapters) and what stays (the chat and questions), because it
 * cannot be undone. The safe choice gets focus.
 */
export function DeleteRecordingButton({ sessionId, onDeleted }: DeleteRecordingButtonProps) {
  const api = useApi();
  const warningId = useId();
  const [confirming, setConfirming] = useState(false);
  const action = useAction();
  const busy = action.busy !== null;
  const failure = action.failure?.problem ?? null;
  const keepRef = useRef<HTMLButtonElement | null>(null);
  const openRef = useRef<HTMLButtonElement | null>(null);
  const wasConfirming = useRef(false);

  useEffect(() => {
    if (confirming) keepRef.current?.focus();
    else if (wasConfirming.current) openRef.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  function confirm() {
    void action.run("delete", "Couldn't delete the recording", async () => {
      await deleteRecording(api, sessionId);
      onDeleted();
    });
  }

  // Storage that does not answer says when to try again (Retry-After).
  const failed = (
    <InlineError>
      {failure
        ? `Couldn't delete the recording. ${describeProblem(failure.problem)}${failure.retryAfterSeconds !== null ? ` Try again in ${failure.retryAfterSeconds} s.` : ""}`
        : null}
    </InlineError>
  );

  if (!confirming) {
    return (
      <div className="delete-recording">
        <button ref={openRef} type="button" className="button button--small button--danger-quiet" onClick={() => setConfirming(true)}>
          Delete recording
        </button>
        {failed}
      </div>
    );
  }
  return (
    <div className="delete-recording delete-recording--confirming" role="group" aria-label="Confirm deleting the recording" aria-describedby={warningId}>
      <p className="delete-recording__warning" id={warningId}>
        <strong>Delete this class&apos;s recording for everyone?</strong> The video, its transcript, captions and
        chapters are deleted and can&apos;t be recovered. The chat and questions stay.
      </p>
      <div className="actions">
        <button type="button" className="button button--danger button--small" disabled={busy} aria-busy={busy} onClick={confirm}>
          {busy ? "Deleting…" : "Delete the recording"}
        </button>
        <button ref={keepRef} type="button" className="button button--small" disabled={busy} onClick={() => setConfirming(false)}>
          Keep it
        </button>
      </div>
      {failed}
    </div>
  );
}
