import { useEffect, useRef, useState } from "react";
import { isProblem } from "../../../api/problem";
import { useApi } from "../../../auth/useApi";
import type { FeedEvent } from "../../../events/frames";
import { type FeedSnapshot, SessionFeed } from "../../../events/session-feed";
import { fetchEvents } from "../lib/sessions-api";
import { useLiveServices } from "./useLiveServices";

/**
 * Runs a session's live event feed while `startAfter` is known (the `as_of_seq` of the
 * snapshot the page loaded) and `enabled`, and returns its connection state.
 *
 * Each event goes to `onEvent` once, in seq order. A feed the server refused (4401) gets
 * one fresh token and one more try; a second refusal leaves it offline, and a refresh
 * the server refused signs the user out (the app then sends them to sign in). Coming
 * back online skips the reconnection wait.
 */
export function useSessionFeed(
  sessionId: string,
  startAfter: number | null,
  onEvent: (event: FeedEvent) => void,
  enabled = true,
): FeedSnapshot | null {
  const api = useApi();
  const services = useLiveServices();
  const [snapshot, setSnapshot] = useState<FeedSnapshot | null>(null);
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;
  // Read once when the feed starts; later values are the feed's own business.
  const startAfterRef = useRef(startAfter);
  startAfterRef.current = startAfter;
  const ready = startAfter !== null && enabled;

  useEffect(() => {
    const after = startAfterRef.current;
    if (!ready || after === null) return;
    let retriedSignIn = false;
    let disposed = false;
    const feed = new SessionFeed({
      connect: services.liveSocket(sessionId),
      fetchEvents: (from) => fetchEvents(api, sessionId, from),
      accessToken: async () => {
        try {
          return await api.currentAccessToken();
        } catch (error) {
          if (isProblem(error) && error.status === 401) return null;
          throw error;
        }
      },
      onEvent: (event) => onEventRef.current(event),
      onChange: (next) => {
        setSnapshot(next);
        if (next.status === "offline" && next.offlineReason === "unauthorized" && !retriedSignIn) {
          retriedSignIn = true;
          // The token may just have expired on the way; a refused refresh signs out.
          api.refresh().then(
            () => {
              if (!disposed) feed.start(next.lastSeq);
            },
            () => undefined,
          );
        }
        if (next.status === "live") retriedSignIn = false;
      },
    });
    feed.start(after);
    const onOnline = () => feed.reconnectNow();
    window.addEventListener("online", onOnline);
    return () => {
      disposed = true;
      window.removeEventListener("online", onOnline);
      feed.stop();
    };
  }, [api, services, sessionId, ready]);

  return snapshot;
}
