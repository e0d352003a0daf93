import type { SessionState } from "../../../api/types";
import { recordingNotice } from "../../sessions/lib/recording";

/**
 * Students are told, plainly and before anything else in the class, when it is recorded:
 * "This class is recorded" with the REC mark while it is, "This class will be recorded"
 * in the waiting room. Always in the page, so a recording that starts is announced.
 */
export function RecordedNotice({ state }: { state: SessionState }) {
  const notice = recordingNotice(state);
  return (
    <div role="status" className="recorded-notice-slot">
      {notice === "recorded" ? (
        <p className="recorded-notice">
          <span className="rec-mark" aria-hidden="true" />
          <span className="recorded-notice__rec" aria-hidden="true">
            REC
          </span>
          <span>This class is recorded.</span>
        </p>
      ) : null}
      {notice === "will-be-recorded" ? (
        <p className="recorded-notice recorded-notice--planned">
          <span className="rec-mark rec-mark--planned" aria-hidden="true" />
          <span>This class will be recorded.</span>
        </p>
      ) : null}
    </div>
  );
}
