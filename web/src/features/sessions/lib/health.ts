/**
 * The health strip's words: media (the video room), realtime (the event feed), and
 * the class's own status. Pure, so every combination is tested; the components only
 * pick colours by `level`.
 */
import type { MediaStatus, SessionState } from "../../../api/types";
import type { FeedSnapshot } from "../../../events/session-feed";
import { formatAgo } from "../../../shared/lib/format-duration";
import type { MediaConnection } from "./media";

export type HealthLevel = "ok" | "pending" | "degraded" | "off";

export interface Health {
  level: HealthLevel;
  label: string;
  /** A second line when there is something to add ("last update 12 s ago"). */
  detail: string | null;
}

/**
 * `server` is what the api says about the media server for this class; `connection`
 * is this page's own link to the room (null when it has none, e.g. before going live).
 */
export function mediaHealth(server: MediaStatus, connection: MediaConnection | null): Health {
  if (server === "disabled") return { level: "off", label: "Media off", detail: "Live video is turned off on this server." };
  if (server === "degraded") return { level: "degraded", label: "Media degraded", detail: "The video server can't be reached." };
  switch (connection) {
    case "connected":
      return { level: "ok", label: "Media connected", detail: null };
    case "connecting":
      return { level: "pending", label: "Media connecting…", detail: null };
    case "reconnecting":
      return { level: "pending", label: "Media reconnecting…", detail: null };
    case "failed":
    case "disconnected":
      return { level: "degraded", label: "Media disconnected", detail: null };
    case null:
      return { level: "off", label: "Media not started", detail: null };
  }
}

export function realtimeHealth(feed: FeedSnapshot | null, now: number): Health {
  if (feed === null) return { level: "pending", label: "Realtime connecting…", detail: null };
  const lastUpdate = `Last update ${formatAgo(now - feed.lastHeardAt)}`;
  switch (feed.status) {
    case "live":
      return { level: "ok", label: "Realtime live", detail: null };
    case "connecting":
      return { level: "pending", label: "Realtime connecting…", detail: null };
    case "reconnecting":
      return { level: "degraded", label: "Reconnecting…", detail: lastUpdate };
    case "offline":
      if (feed.offlineReason === "unauthorized") {
        return { level: "degraded", label: "Live updates stopped", detail: "Sign in again to keep following the class." };
      }
      if (feed.offlineReason === "forbidden") {
        return { level: "degraded", label: "Live updates refused", detail: "You're not allowed in this class's live feed." };
      }
      return { level: "off", label: "Live updates off", detail: null };
  }
}

/**
 * Whether this page should ask `/join` again for media credentials: the class is live,
 * media is not known to be down, and the credentials it holds are null. The answer is
 * a key (the situation it was decided in) so a caller asks once per situation, not in
 * a loop: once when the class starts, once more if media recovers, and so on.
 */
export function mediaCredentialsKey(state: SessionState, hasCredentials: boolean): string | null {
  if (hasCredentials || state.session.status !== "live") return null;
  if (state.media_status === "degraded" || state.media_status === "disabled") return null;
  return `${state.session.status}:${state.media_status}`;
}
