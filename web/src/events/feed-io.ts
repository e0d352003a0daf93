/**
 * The I/O `SessionFeed` is given, as small interfaces: a socket to the live endpoint and a
 * clock. The browser's socket is `live-socket.ts`; tests use `testing/fake-socket.ts` and
 * `testing/fake-clock.ts`.
 */

/** The part of a WebSocket the feed uses. */
export interface FeedSocket {
  send(frame: string): void;
  close(code?: number, reason?: string): void;
}

export interface FeedSocketHandlers {
  open(): void;
  message(data: unknown): void;
  /** The socket is closed (whoever closed it); browsers report a lost link as 1006. */
  close(code: number, reason: string): void;
}

/** Opens a connection to the session's live endpoint and reports what happens to it. */
export type SocketFactory = (handlers: FeedSocketHandlers) => FeedSocket;

export type TimerId = unknown;

export interface FeedClock {
  now(): number;
  setTimeout(run: () => void, ms: number): TimerId;
  clearTimeout(id: TimerId): void;
}

export const systemClock: FeedClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id as ReturnType<typeof globalThis.setTimeout>),
};
