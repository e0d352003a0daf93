/**
 * A session's live event feed: one WebSocket to `/api/v1/sessions/{id}/live`, kept
 * alive, delivering the session's events to `onEvent` exactly once each, in seq order.
 *
 * ```
 *            start(after)
 *                 │
 *                 ▼          welcome            4401 / 4403 / stop()
 *           connecting ───────────────► live ──────────────────────► offline
 *                 │                     ▲  │
 *   closed, silent│        welcome      │  │ closed (1006, 4008, …), 45 s of silence,
 *   or no welcome ▼                     │  ▼ or the event log could not be read
 *                 └───────────────► reconnecting ── waits (backoff + jitter), then
 *                                                   connects again from the last seq
 * ```
 *
 * Protocol (spec 30, "WebSocket protocol"):
 * - The first frame is `{"type":"hello","token":…,"after":SEQ}`; the token never goes in
 *   the URL. `after` is the last seq applied: the server sends every later event.
 * - Events apply strictly in seq order. One that skips ahead is held back while the
 *   missing range is read from `/events?after=`; anything at or below the last applied
 *   seq is a duplicate and is dropped. `gap.filtered` entries are applied like events
 *   (they hold a place in the sequence) so the caller can move its `as_of_seq`.
 * - Any frame, including `{"type":"ping"}` (every ~20 s), proves the link is alive;
 *   45 s without one and the link is treated as dead.
 * - The server closes the socket (4401) when the hello's token expires. Before that
 *   (`RENEW_BEFORE_MS` ahead of the token's `exp`) the feed sends
 *   `{"type":"token","token":…}` with a fresh one, and again before that one expires.
 * - 4401 (who are you?) and 4403 (not allowed) stop the feed: retrying cannot help.
 *   Everything else — 4008 for a client too slow to keep up, a dropped network, a
 *   restarted server — reconnects with exponential backoff and jitter.
 *
 * I/O is injected (socket factory, `/events` reader, token source, clock, randomness),
 * so the whole protocol is tested in plain TypeScript with fakes.
 */
import type { EventPage, SessionRole } from "../api/types";
import { type BackoffPolicy, DEFAULT_BACKOFF, reconnectDelay } from "./backoff";
import { type FeedEvent, helloFrame, parseServerFrame, tokenExpiry, tokenFrame } from "./frames";
import { type FeedClock, type FeedSocket, type SocketFactory, type TimerId, systemClock } from "./feed-io";
import { SeqOrder } from "./seq-order";

export type FeedStatus = "connecting" | "live" | "reconnecting" | "offline";

/** Why an offline feed stopped: the server refused who we are, or what we asked, or we stopped it. */
export type OfflineReason = "unauthorized" | "forbidden" | "stopped";

export interface FeedSnapshot {
  status: FeedStatus;
  offlineReason: OfflineReason | null;
  /** The last seq delivered to `onEvent` (or the `after` the feed started from). */
  lastSeq: number;
  /** Clock time the last event was delivered; null until one is. */
  lastEventAt: number | null;
  /**
   * Clock time anything was last heard from the server (an event, a ping, a welcome),
   * or the feed's start: until then, the caller's snapshot was known to be current.
   */
  lastHeardAt: number;
  /** The role the server's `welcome` named. */
  role: SessionRole | null;
  /** Failed attempts since the feed was last live. */
  reconnectAttempts: number;
  /** When the next attempt is due, while waiting for it. */
  nextRetryAt: number | null;
}

/** Close codes the server uses, and the one the client uses for a silent link. */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_TOO_SLOW = 4008;
export const CLOSE_SILENT = 4000;

export const SILENCE_TIMEOUT_MS = 45_000;
export const HANDSHAKE_TIMEOUT_MS = 10_000;
/**
 * How long before its token expires an open socket gets a fresh one. Under the token
 * store's margin (30 s), so the token asked for then is a new one, and well inside the
 * server's grace (its clock leeway, 30 s by default).
 */
export const RENEW_BEFORE_MS = 25_000;
/** Least wait between two renewals (a token source that hands back the same token). */
export const RENEW_RETRY_MS = 5_000;
/** Pages of `/events` one repair may read before it gives up and reconnects instead. */
const MAX_REPAIR_PAGES = 50;

export interface SessionFeedOptions {
  connect: SocketFactory;
  /** `GET /api/v1/sessions/{id}/events?after=` */
  fetchEvents(after: number): Promise<EventPage>;
  /**
   * A current access token for `hello`; null when there is no session any more (the
   * feed goes offline as unauthorized). A thrown error is retried like a lost link.
   */
  accessToken(): Promise<string | null>;
  /** Each event, once, in seq order. */
  onEvent(event: FeedEvent): void;
  onChange?(snapshot: FeedSnapshot): void;
  clock?: FeedClock;
  /** [0, 1), for the jitter. */
  random?: () => number;
  backoff?: BackoffPolicy;
  silenceTimeoutMs?: number;
  handshakeTimeoutMs?: number;
}

export class SessionFeed {
  private readonly options: SessionFeedOptions;
  private readonly clock: FeedClock;
  private readonly random: () => number;
  private current: FeedSnapshot;
  /** Bumped by start() and stop(): work begun in an earlier run is abandoned. */
  private run = 0;
  /** Bumped per connection attempt: callbacks of an abandoned socket are ignored. */
  private connection = 0;
  private socket: FeedSocket | null = null;
  private welcomed = false;
  /** The one timer the feed needs at a time: handshake, silence, or the next retry. */
  private timer: TimerId | null = null;
  /** When to send the open socket a fresh token (see `RENEW_BEFORE_MS`). */
  private renewTimer: TimerId | null = null;
  /** Delivers in seq order; holds back what arrives ahead of a gap until `repair` fills it. */
  private readonly order = new SeqOrder<FeedEvent>(
    () => this.current.lastSeq,
    (event) => this.deliver(event),
  );
  private repairing = false;

  constructor(options: SessionFeedOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.current = {
      status: "offline",
      offlineReason: "stopped",
      lastSeq: 0,
      lastEventAt: null,
      lastHeardAt: this.clock.now(),
      role: null,
      reconnectAttempts: 0,
      nextRetryAt: null,
    };
  }

  get snapshot(): FeedSnapshot {
    return this.current;
  }

  /** Milliseconds since anything was heard from the server (see `lastHeardAt`). */
  sinceLastHeard(): number {
    return Math.max(0, this.clock.now() - this.current.lastHeardAt);
  }

  /**
   * Connects and delivers every event after `after` — the `as_of_seq` of the caller's
   * `/state` snapshot, or the last seq it applied. Restarts a running feed.
   */
  start(after: number): void {
    this.abandon(1000, "restarting");
    this.run += 1;
    this.order.clear();
    this.repairing = false;
    this.update({
      status: "connecting",
      offlineReason: null,
      lastSeq: after,
      lastEventAt: null,
      lastHeardAt: this.clock.now(),
      role: null,
      reconnectAttempts: 0,
      nextRetryAt: null,
    });
    void this.connect();
  }

  /** Closes the link and stays offline until `start` is called again. */
  stop(): void {
    this.goOffline("stopped");
  }

  /** Skips the wait before the next attempt (the browser says it is back online). */
  reconnectNow(): void {
    if (this.current.status !== "reconnecting" || this.current.nextRetryAt === null) return;
    this.clearTimer();
    void this.connect();
  }

  // --- connection -----------------------------------------------------------------

  private async connect(): Promise<void> {
    const run = this.run;
    const connection = ++this.connection;
    const isCurrent = () => run === this.run && connection === this.connection;
    this.welcomed = false;
    this.update({ nextRetryAt: null });

    let token: string | null;
    try {
      token = await this.options.accessToken();
    } catch {
      if (isCurrent()) this.retryLater();
      return;
    }
    if (!isCurrent()) return;
    if (token === null) {
      this.goOffline("unauthorized");
      return;
    }

    try {
      this.socket = this.options.connect({
        open: () => {
          if (isCurrent()) this.socket?.send(helloFrame(token, this.current.lastSeq));
        },
        message: (data) => {
          if (!isCurrent()) return;
          const welcomed = this.welcomed;
          this.onMessage(data);
          if (!welcomed && this.welcomed) this.scheduleRenewal(token, isCurrent);
        },
        close: (code) => {
          if (isCurrent()) this.onClose(code);
        },
      });
    } catch {
      this.retryLater();
      return;
    }
    this.setTimer(this.options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS, () => this.dropAndRetry());
  }

  private onMessage(data: unknown): void {
    this.update({ lastHeardAt: this.clock.now() });
    const frame = parseServerFrame(data);
    if (frame?.kind === "welcome") {
      this.welcomed = true;
      this.update({ status: "live", role: frame.role, reconnectAttempts: 0 });
    }
    // Before the welcome the handshake timer runs; after it, any frame restarts the
    // silence timer.
    if (this.welcomed) this.setTimer(this.options.silenceTimeoutMs ?? SILENCE_TIMEOUT_MS, () => this.dropAndRetry());
    if (frame?.kind === "event") this.receive(frame.event);
  }

  /** Sends a fresh token before `token` expires, and again before that one does. */
  private scheduleRenewal(token: string, isCurrent: () => boolean): void {
    const expiresAt = tokenExpiry(token);
    if (expiresAt === null) return;
    const delay = Math.max(RENEW_RETRY_MS, expiresAt - RENEW_BEFORE_MS - this.clock.now());
    this.clearRenewTimer();
    this.renewTimer = this.clock.setTimeout(() => {
      this.renewTimer = null;
      void this.renew(token, isCurrent);
    }, delay);
  }

  private async renew(previous: string, isCurrent: () => boolean): Promise<void> {
    let token: string | null;
    try {
      token = await this.options.accessToken();
    } catch {
      // Not now (offline, server busy): try again shortly; the server's grace covers it.
      if (isCurrent()) this.scheduleRenewal(previous, isCurrent);
      return;
    }
    // No session any more: the server closes the socket (4401) when the token expires.
    if (token === null || !isCurrent()) return;
    if (token !== previous) this.socket?.send(tokenFrame(token));
    this.scheduleRenewal(token, isCurrent);
  }

  private clearRenewTimer(): void {
    if (this.renewTimer !== null) this.clock.clearTimeout(this.renewTimer);
    this.renewTimer = null;
  }

  private onClose(code: number): void {
    this.socket = null;
    this.clearTimer();
    this.clearRenewTimer();
    if (code === CLOSE_UNAUTHORIZED) this.goOffline("unauthorized");
    else if (code === CLOSE_FORBIDDEN) this.goOffline("forbidden");
    else this.retryLater();
  }

  /** Gives up on the current link (silent, no welcome, unreadable log) and tries again. */
  private dropAndRetry(): void {
    this.abandon(CLOSE_SILENT, "reconnecting");
    this.retryLater();
  }

  private retryLater(): void {
    const attempt = this.current.reconnectAttempts;
    const delay = reconnectDelay(attempt, this.random, this.options.backoff ?? DEFAULT_BACKOFF);
    this.update({
      status: "reconnecting",
      reconnectAttempts: attempt + 1,
      nextRetryAt: this.clock.now() + delay,
    });
    this.setTimer(delay, () => void this.connect());
  }

  private goOffline(reason: OfflineReason): void {
    this.abandon(1000, reason);
    this.run += 1;
    this.repairing = false;
    this.update({ status: "offline", offlineReason: reason, nextRetryAt: null });
  }

  /** Closes the current socket, if any, and makes sure none of its callbacks count. */
  private abandon(code: number, reason: string): void {
    this.clearTimer();
    this.clearRenewTimer();
    this.connection += 1;
    this.welcomed = false;
    const socket = this.socket;
    this.socket = null;
    try {
      socket?.close(code, reason);
    } catch {
      // Already closed or never opened: nothing to do.
    }
  }

  // --- ordering -------------------------------------------------------------------

  private receive(event: FeedEvent): void {
    if (!this.order.receive(event) && !this.repairing) void this.repair();
  }

  private deliver(event: FeedEvent): void {
    this.update({ lastSeq: event.seq, lastEventAt: this.clock.now() });
    this.options.onEvent(event);
  }

  /** Reads the missing range from `/events` while later events wait in `order`. */
  private async repair(): Promise<void> {
    const run = this.run;
    this.repairing = true;
    try {
      let after = this.current.lastSeq;
      for (let page = 0; page < MAX_REPAIR_PAGES && this.order.waiting; page++) {
        const events = await this.options.fetchEvents(after);
        if (run !== this.run) return;
        for (const event of [...events.items].sort((a, b) => a.seq - b.seq)) this.receive(event);
        this.order.release();
        if (events.next_after === null || events.next_after <= after) break;
        after = Math.max(events.next_after, this.current.lastSeq);
      }
    } catch {
      if (run !== this.run) return;
      this.repairing = false;
      // The log could not be read: a new connection resumes from the last applied seq
      // and the server sends everything after it.
      this.dropAndRetry();
      return;
    }
    if (run !== this.run) return;
    this.repairing = false;
    if (this.order.waiting) this.dropAndRetry();
  }

  // --- plumbing -------------------------------------------------------------------

  private setTimer(ms: number, run: () => void): void {
    this.clearTimer();
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      run();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private update(change: Partial<FeedSnapshot>): void {
    this.current = { ...this.current, ...change };
    this.options.onChange?.(this.current);
  }
}
