/**
 * The browser's side of `SessionFeed`'s I/O: the live endpoint's URL and a real
 * WebSocket behind the feed's small socket interface.
 */
import type { FeedSocket, SocketFactory } from "./feed-io";

/** `ws(s)://<this origin>/api/v1/sessions/{id}/live` — same origin, same security as the page. */
export function liveUrl(sessionId: string, location: Pick<Location, "protocol" | "host">): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/api/v1/sessions/${encodeURIComponent(sessionId)}/live`;
}

/** Opens a WebSocket to `url` for each connection the feed makes. */
export function browserSocketFactory(url: string, WebSocketImpl: typeof WebSocket = WebSocket): SocketFactory {
  return (handlers): FeedSocket => {
    const socket = new WebSocketImpl(url);
    socket.addEventListener("open", () => handlers.open());
    socket.addEventListener("message", (event: MessageEvent) => handlers.message(event.data));
    // An error is always followed by a close, which is where the feed decides what to do.
    socket.addEventListener("close", (event: CloseEvent) => handlers.close(event.code, event.reason));
    return {
      send: (frame) => {
        if (socket.readyState === WebSocketImpl.OPEN) socket.send(frame);
      },
      close: (code, reason) => socket.close(code, reason),
    };
  };
}
