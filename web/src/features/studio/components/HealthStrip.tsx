import type { SessionState } from "../../../api/types";
import type { FeedSnapshot } from "../../../events/session-feed";
import { useNow } from "../../../shared/hooks/useNow";
import { formatElapsed } from "../../../shared/lib/format-duration";
import { type Health, mediaHealth, realtimeHealth } from "../../sessions/lib/health";
import type { MediaConnection } from "../../sessions/lib/media";
import { type RecordingIndicator, recordingElapsedMs, recordingIndicator } from "../../sessions/lib/recording";

interface HealthStripProps {
  state: SessionState;
  feed: FeedSnapshot | null;
  /** The studio's own link to the media room; null while not broadcasting. */
  connection: MediaConnection | null;
}

/** LIVE with the running time, then media, realtime and recording, in words and colour. */
export function HealthStrip({ state, feed, connection }: HealthStripProps) {
  const now = useNow(1000);
  const startedAt = state.session.started_at ? Date.parse(state.session.started_at) : now;
  const media = mediaHealth(state.media_status, connection);
  const realtime = realtimeHealth(feed, now);
  return (
    <ul className="health-strip" aria-label="Class health">
      <li className="health health--live">
        <span className="live-dot" aria-hidden="true" />
        <span>LIVE</span>
        <time className="health__clock" aria-label="Time live">
          {formatElapsed(now - startedAt)}
        </time>
      </li>
      <HealthItem health={media} />
      <HealthItem health={realtime} />
      <RecordingItem indicator={recordingIndicator(state)} now={now} />
    </ul>
  );
}

function HealthItem({ health }: { health: Health }) {
  return (
    <li className={`health health--${health.level}`}>
      <span className="health__dot" aria-hidden="true" />
      <span>{health.label}</span>
      {health.detail ? <span className="health__detail">{health.detail}</span> : null}
    </li>
  );
}

/** REC with the time recorded; or what the recording is doing; or, loudly, that it is not recording. */
function RecordingItem({ indicator, now }: { indicator: RecordingIndicator; now: number }) {
  switch (indicator.kind) {
    case "recording": {
      const elapsed = recordingElapsedMs(indicator, now);
      return (
        <li className="health health--rec">
          <span className="rec-mark" aria-hidden="true" />
          <span>REC</span>
          {elapsed !== null ? (
            <time className="health__clock" aria-label="Time recorded">
              {formatElapsed(elapsed)}
            </time>
          ) : null}
        </li>
      );
    }
    case "not-recording":
    case "failed":
      // The reason is in the alert under the strip; here it only has to be impossible to miss.
      return (
        <li className="health health--rec-lost">
          <span className="rec-mark rec-mark--off" aria-hidden="true" />
          <span>{indicator.kind === "failed" ? "Recording failed" : "Not recording"}</span>
        </li>
      );
    case "starting":
      return <HealthItem health={{ level: "pending", label: "Starting recording…", detail: null }} />;
    case "storing":
      return <HealthItem health={{ level: "pending", label: "Storing the recording…", detail: null }} />;
    case "stored":
      return <HealthItem health={{ level: "ok", label: "Recording stored", detail: null }} />;
    case "deleted":
      return <HealthItem health={{ level: "off", label: "Recording deleted", detail: null }} />;
    case "planned":
    case "off":
      return <HealthItem health={{ level: "off", label: "Not recorded", detail: null }} />;
  }
}
