import { Link, useLocation } from "react-router";
import type { FeedSnapshot } from "../../../events/session-feed";
import { useNow } from "../../../shared/hooks/useNow";
import { formatAgo } from "../../../shared/lib/format-duration";
import { authPathFor } from "../../auth/lib/return-to";

/**
 * Honest about the live link: "Reconnecting…" with the time since the page last heard
 * from the class, or why live updates stopped. Hidden while all is well.
 */
export function ConnectionNotice({ feed }: { feed: FeedSnapshot | null }) {
  const location = useLocation();
  const reconnecting = feed?.status === "reconnecting";
  const now = useNow(1000, reconnecting);
  if (feed === null) return null;
  if (reconnecting) {
    return (
      <div className="connection-notice connection-notice--reconnecting">
        {/* Only the state is announced; the ticking age would be read out every second. */}
        <span role="status" className="connection-notice__state">
          <span className="spinner spinner--small" aria-hidden="true" /> Reconnecting…
        </span>
        <span className="connection-notice__age">Last update {formatAgo(now - feed.lastHeardAt)}</span>
      </div>
    );
  }
  if (feed.status === "offline" && feed.offlineReason === "unauthorized") {
    return (
      <div className="connection-notice connection-notice--stopped" role="alert">
        Live updates stopped because you're signed out.{" "}
        <Link to={authPathFor("/signin", location.pathname)}>Sign in again</Link>
      </div>
    );
  }
  if (feed.status === "offline" && feed.offlineReason === "forbidden") {
    return (
      <div className="connection-notice connection-notice--stopped" role="alert">
        You're not allowed to follow this class live. Ask your teacher for an invite.
      </div>
    );
  }
  return null;
}
