import type { SessionState } from "../../../api/types";
import type { FeedSnapshot } from "../../../events/session-feed";
import { useNow } from "../../../shared/hooks/useNow";
import { formatElapsed } from "../../../shared/lib/format-duration";
import { type Health, mediaHealth, realtimeHealth } from "../../sessions/lib/health";
import type { MediaConnection } from "../../sessions/lib/media";

interface HealthStripProps {
  state: SessionState;
  feed: FeedSnapshot | null;
  /** The studio's own link to the media room; null while not broadcasting. */
  connection: MediaConnection | null;
}

/** LIVE with the running time, then media and realtime health, in words and colour. */
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
