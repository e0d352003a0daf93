import type { SessionState } from "../../../api/types";
import { recordingIndicator } from "../../sessions/lib/recording";

const SAID: Partial<Record<ReturnType<typeof recordingIndicator>["kind"], string>> = {
  starting: "Starting the recording.",
  recording: "Recording.",
  storing: "Storing the recording.",
  stored: "The recording is stored.",
};

/**
 * The studio's recording, for the teacher's attention: a class that is not being recorded
 * (no recorder free, the recorder lost) or whose recording failed is a red alert with the
 * reason, not a small dot. Both regions stay in the page so every change is announced:
 * failures at once (alert), the rest politely (status).
 */
export function RecordingAlert({ state }: { state: SessionState }) {
  const indicator = recordingIndicator(state);
  const failure =
    indicator.kind === "not-recording"
      ? { title: "Not recording:", reason: indicator.reason }
      : indicator.kind === "failed"
        ? { title: "Recording failed:", reason: indicator.reason }
        : null;
  return (
    <>
      <p className="visually-hidden" role="status">
        {SAID[indicator.kind] ?? ""}
      </p>
      <div role="alert" className="recording-alert-slot">
        {failure ? (
          <div className="recording-alert">
            <span className="rec-mark rec-mark--off" aria-hidden="true" />
            <p>
              <strong>{failure.title}</strong> {failure.reason}
            </p>
          </div>
        ) : null}
      </div>
    </>
  );
}
