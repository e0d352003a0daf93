import { describe, expect, it, vi } from "vitest";
import type { EventPage } from "../api/types";
import type { FeedEvent } from "./frames";
import {
  CLOSE_FORBIDDEN,
  CLOSE_SILENT,
  CLOSE_TOO_SLOW,
  CLOSE_UNAUTHORIZED,
  type FeedSnapshot,
  SessionFeed,
  type SessionFeedOptions,
} from "./session-feed";
import { FakeClock } from "./testing/fake-clock";
import { FakeEventLog } from "./testing/fake-event-log";
import { FakeSockets } from "./testing/fake-socket";

/** Lets awaited promises (token, `/events`) settle; the feed's timers use the FakeClock. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

interface SetupOptions {
  /** Events already in the log before the feed starts (the feed starts after them). */
  logged?: number;
  pageLimit?: number;
  overrides?: Partial<SessionFeedOptions>;
}

function setup({ logged = 0, pageLimit = 200, overrides = {} }: SetupOptions = {}) {
  const sockets = new FakeSockets();
  const clock = new FakeClock();
  const log = new FakeEventLog();
  for (let i = 0; i < logged; i++) log.append("chat.message_posted", { body: `before ${i + 1}` });
  const delivered: FeedEvent[] = [];
  const changes: FeedSnapshot[] = [];
  const fetchEvents = vi.fn(async (after: number): Promise<EventPage> => log.page(after, pageLimit));
  const feed = new SessionFeed({
    connect: sockets.connect,
    fetchEvents,
    accessToken: async () => "jwt-1",
    onEvent: (event) => delivered.push(event),
    onChange: (snapshot) => changes.push(snapshot),
    clock,
    random: () => 0.5,
    ...overrides,
  });
  const seqs = () => delivered.map((event) => event.seq);
  /** Appends `n` events to the log and returns them (not yet sent to anyone). */
  const happen = (n: number) =>
    Array.from({ length: n }, (_, i) => log.append("chat.message_posted", { body: `live ${log.head + i}` }));
  return { sockets, clock, log, feed, delivered, changes, fetchEvents, seqs, happen };
}

/** Starts the feed after the log's head and completes hello/welcome. */
async function startLive(context: ReturnType<typeof setup>) {
  context.feed.start(context.log.head);
  await settle();
  context.sockets.last.open().welcome(context.log.head);
  return context.sockets.last;
}

describe("SessionFeed: hello and welcome", () => {
  it("says hello with the token and the seq it starts after, then goes live on welcome", async () => {
    const context = setup({ logged: 5 });
    context.feed.start(5);
    expect(context.feed.snapshot.status).toBe("connecting");
    await settle();

    const socket = context.sockets.last.open();
    expect(socket.sent).toEqual([{ type: "hello", token: "jwt-1", after: 5 }]);
    expect(context.feed.snapshot.status).toBe("connecting");

    socket.welcome(5, "participant");
    expect(context.feed.snapshot).toMatchObject({ status: "live", role: "participant", lastSeq: 5, offlineReason: null });
    expect(context.changes.map((change) => change.status)).toContain("live");
  });

  it("fetches a fresh token for every connection", async () => {
    const tokens = ["jwt-1", "jwt-2"];
    const context = setup({ overrides: { accessToken: async () => tokens.shift() ?? "jwt-x" } });
    const first = await startLive(context);
    first.closeFromServer(1006);
    context.clock.advance(60_000);
    await settle();
    context.sockets.last.open();
    expect(context.sockets.last.hello?.token).toBe("jwt-2");
  });
});

describe("SessionFeed: ordering", () => {
  it("delivers events in order, each once", async () => {
    const context = setup({ logged: 3 });
    const socket = await startLive(context);
    const [e4, e5, e6] = context.happen(3);

    socket.deliver(e4).deliver(e5).deliver(e5).deliver(e4).deliver(e6).deliver(e6);

    expect(context.seqs()).toEqual([4, 5, 6]);
    expect(context.feed.snapshot.lastSeq).toBe(6);
    expect(context.fetchEvents).not.toHaveBeenCalled();
  });

  it("ignores events at or below the seq it started from", async () => {
    const context = setup({ logged: 4 });
    const socket = await startLive(context);
    socket.deliver(context.log.at(3)).deliver(context.log.at(4));
    expect(context.delivered).toEqual([]);
  });

  it("repairs a gap in the middle with one /events fetch and applies the result in order", async () => {
    const context = setup({ logged: 3 });
    const socket = await startLive(context);
    const [e4, , , e7, e8] = context.happen(5);

    socket.deliver(e4).deliver(e7); // 5 and 6 were lost on the way
    expect(context.seqs()).toEqual([4]);
    // Frames that arrive while the range is being read wait their turn.
    socket.deliver(e8);
    await settle();

    expect(context.fetchEvents).toHaveBeenCalledTimes(1);
    expect(context.fetchEvents).toHaveBeenCalledWith(4);
    expect(context.seqs()).toEqual([4, 5, 6, 7, 8]);

    const [e9] = context.happen(1);
    socket.deliver(e8).deliver(e9);
    expect(context.seqs()).toEqual([4, 5, 6, 7, 8, 9]);
    expect(context.fetchEvents).toHaveBeenCalledTimes(1);
  });

  it("reads as many pages as the gap needs", async () => {
    const context = setup({ logged: 1, pageLimit: 2 });
    const socket = await startLive(context);
    const events = context.happen(6); // seqs 2..7

    socket.deliver(events[5]); // seq 7 arrives first
    await settle();

    expect(context.fetchEvents.mock.calls.map(([after]) => after)).toEqual([1, 3, 5]);
    expect(context.seqs()).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it("delivers filtered gaps in their place, so a filtered event is not mistaken for a lost one", async () => {
    const context = setup({ logged: 1 });
    const socket = await startLive(context);
    const e2 = context.log.append("chat.message_posted");
    const hidden = context.log.appendFiltered();
    const e4 = context.log.append("chat.message_posted");

    socket.deliver(e2).deliver(hidden).deliver(e4);

    expect(context.delivered).toEqual([e2, { seq: 3, type: "gap.filtered" }, e4]);
    expect(context.fetchEvents).not.toHaveBeenCalled();
  });

  it("reconnects from the last applied seq when the log cannot be read", async () => {
    const context = setup({
      logged: 2,
      overrides: { fetchEvents: async () => Promise.reject(new Error("503")) },
    });
    const socket = await startLive(context);
    const [e3, , e5] = context.happen(3);

    socket.deliver(e3).deliver(e5);
    await settle();

    expect(socket.closedByClient?.code).toBe(CLOSE_SILENT);
    expect(context.feed.snapshot.status).toBe("reconnecting");
    context.clock.advance(context.clock.pending[0] ?? 0);
    await settle();
    context.sockets.last.open();
    expect(context.sockets.last.hello?.after).toBe(3);
    context.sockets.last.welcome(5).deliver(context.log.at(4)).deliver(e5);
    expect(context.seqs()).toEqual([3, 4, 5]);
  });
});

describe("SessionFeed: staying connected", () => {
  it("treats 45 s of silence as a dead link; pings keep it alive", async () => {
    const context = setup({ logged: 2 });
    const socket = await startLive(context);

    context.clock.advance(30_000);
    socket.ping();
    context.clock.advance(44_000);
    expect(context.feed.snapshot.status).toBe("live");
    expect(socket.closedByClient).toBeNull();

    context.clock.advance(1_000);
    expect(socket.closedByClient?.code).toBe(CLOSE_SILENT);
    expect(context.feed.snapshot.status).toBe("reconnecting");
  });

  it("reconnects after a drop, resuming from the last seq and dropping what it already has", async () => {
    const context = setup({ logged: 2 });
    const socket = await startLive(context);
    const [e3, e4] = context.happen(2);
    socket.deliver(e3).deliver(e4);

    socket.closeFromServer(1006);
    expect(context.feed.snapshot).toMatchObject({ status: "reconnecting", reconnectAttempts: 1 });
    expect(context.sockets.all).toHaveLength(1);

    context.clock.advance(750); // attempt 0 waits 500–1000 ms; random 0.5 → 750
    await settle();
    const again = context.sockets.last.open();
    expect(context.sockets.all).toHaveLength(2);
    expect(again.hello).toEqual({ type: "hello", token: "jwt-1", after: 4 });

    const [e5] = context.happen(1);
    again.welcome(5).deliver(e3).deliver(e4).deliver(e5);
    expect(context.seqs()).toEqual([3, 4, 5]);
    expect(context.feed.snapshot).toMatchObject({ status: "live", reconnectAttempts: 0 });
  });

  it("ignores a replaced socket's late frames", async () => {
    const context = setup({ logged: 1 });
    const first = await startLive(context);
    first.closeFromServer(1006);
    context.clock.advance(1_000);
    await settle();
    context.sockets.last.open().welcome(1);

    first.deliver(context.happen(1)[0]);
    first.closeFromServer(1006);
    expect(context.delivered).toEqual([]);
    expect(context.feed.snapshot.status).toBe("live");
  });

  it("backs off exponentially with jitter while attempts keep failing, and resets once live", async () => {
    const context = setup();
    context.feed.start(0);
    await settle();
    const waits: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      context.sockets.last.closeFromServer(1006);
      const { nextRetryAt } = context.feed.snapshot;
      waits.push((nextRetryAt ?? 0) - context.clock.now());
      context.clock.advance(waits.at(-1) ?? 0);
      await settle();
    }
    expect(waits).toEqual([750, 1500, 3000, 6000, 12_000, 22_500]);

    context.sockets.last.open().welcome(0);
    context.sockets.last.closeFromServer(1006);
    expect((context.feed.snapshot.nextRetryAt ?? 0) - context.clock.now()).toBe(750);
  });

  it("gives up on a connection that never says welcome", async () => {
    const context = setup();
    context.feed.start(0);
    await settle();
    context.sockets.last.open();
    context.clock.advance(10_000);
    expect(context.sockets.last.closedByClient?.code).toBe(CLOSE_SILENT);
    expect(context.feed.snapshot.status).toBe("reconnecting");
  });

  it("reconnects a client the server dropped for being too slow (4008)", async () => {
    const context = setup({ logged: 3 });
    const socket = await startLive(context);
    socket.closeFromServer(CLOSE_TOO_SLOW, "too slow");

    expect(context.feed.snapshot.status).toBe("reconnecting");
    context.clock.advance(1_000);
    await settle();
    expect(context.sockets.all).toHaveLength(2);
    expect(context.sockets.last.open().hello?.after).toBe(3);
  });

  it("skips the wait when asked to reconnect now", async () => {
    const context = setup();
    const socket = await startLive(context);
    socket.closeFromServer(1006);
    context.feed.reconnectNow();
    await settle();
    expect(context.sockets.all).toHaveLength(2);
    expect(context.clock.pending).toEqual([10_000]); // only the handshake timer
  });

  it("measures the time since it last heard from the server", async () => {
    const context = setup();
    const socket = await startLive(context);
    context.clock.advance(12_000);
    expect(context.feed.sinceLastHeard()).toBe(12_000);
    socket.ping();
    expect(context.feed.sinceLastHeard()).toBe(0);
    socket.closeFromServer(1006);
    context.clock.advance(3_000);
    expect(context.feed.sinceLastHeard()).toBe(3_000);
  });

  it("retries when no token could be fetched (network), but not when there is no session", async () => {
    let fail = true;
    const context = setup({
      overrides: {
        accessToken: async () => {
          if (fail) throw new Error("network");
          return null;
        },
      },
    });
    context.feed.start(0);
    await settle();
    expect(context.feed.snapshot.status).toBe("reconnecting");
    expect(context.sockets.all).toHaveLength(0);

    fail = false;
    context.clock.advance(1_000);
    await settle();
    expect(context.feed.snapshot).toMatchObject({ status: "offline", offlineReason: "unauthorized" });
    expect(context.sockets.all).toHaveLength(0);
  });
});

describe("SessionFeed: stopping", () => {
  it("stops on 4401 and signals that the user must sign in again", async () => {
    const context = setup();
    const socket = await startLive(context);
    socket.closeFromServer(CLOSE_UNAUTHORIZED, "token expired");

    expect(context.feed.snapshot).toMatchObject({ status: "offline", offlineReason: "unauthorized" });
    expect(context.clock.pending).toEqual([]);
    context.clock.advance(600_000);
    await settle();
    expect(context.sockets.all).toHaveLength(1);
  });

  it("stops on 4403 (not allowed in this session)", async () => {
    const context = setup();
    context.feed.start(0);
    await settle();
    context.sockets.last.open().closeFromServer(CLOSE_FORBIDDEN);

    expect(context.feed.snapshot).toMatchObject({ status: "offline", offlineReason: "forbidden" });
    expect(context.clock.pending).toEqual([]);
  });

  it("closes the socket on stop and ignores anything that comes later", async () => {
    const context = setup();
    const socket = await startLive(context);
    context.feed.stop();

    expect(socket.closedByClient?.code).toBe(1000);
    expect(context.feed.snapshot).toMatchObject({ status: "offline", offlineReason: "stopped" });
    socket.deliver(context.happen(1)[0]);
    socket.closeFromServer(1006);
    expect(context.delivered).toEqual([]);
    expect(context.clock.pending).toEqual([]);
  });

  it("starts again after stopping, from the seq it is given", async () => {
    const context = setup({ logged: 7 });
    await startLive(context);
    context.feed.stop();
    context.feed.start(7);
    await settle();
    expect(context.sockets.last.open().hello?.after).toBe(7);
  });
});

/** An unsigned JWT-shaped token that expires at `expMs` (the feed only reads `exp`). */
function jwtExpiringAt(expMs: number, id: string): string {
  const part = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, "");
  return `${part({ alg: "RS256" })}.${part({ exp: Math.floor(expMs / 1000), jti: id })}.sig`;
}

/** Moves time forward with the server's pings every 20 s, so the link stays alive. */
async function advanceLive(clock: FakeClock, socket: { ping(): unknown }, ms: number) {
  for (let left = ms; left > 0; left -= 20_000) {
    clock.advance(Math.min(20_000, left));
    socket.ping();
    await settle();
  }
}

describe("SessionFeed: token renewal", () => {
  it("sends a fresh token before the hello's expires, and again before that one does", async () => {
    const clock = new FakeClock(1_000_000_000);
    const first = jwtExpiringAt(clock.now() + 900_000, "a");
    const second = jwtExpiringAt(clock.now() + 1_800_000, "b");
    const tokens = [first, second];
    const accessToken = vi.fn(async () => tokens[0] ?? second);
    const context = setup({ overrides: { clock, accessToken } });
    const socket = await startLive(context);
    expect(socket.sent).toEqual([{ type: "hello", token: first, after: 0 }]);

    await advanceLive(clock, socket, 900_000 - 25_000 - 1);
    expect(socket.sent).toHaveLength(1);
    tokens.shift(); // the token store now hands out the refreshed token
    await advanceLive(clock, socket, 1);
    expect(socket.sent.at(-1)).toEqual({ type: "token", token: second });
    expect(context.feed.snapshot.status).toBe("live");

    // Same token handed back: nothing is sent, the feed asks again a little later.
    await advanceLive(clock, socket, 900_000);
    expect(socket.sent.filter((frame) => (frame as { type: string }).type === "token")).toHaveLength(1);
  });

  it("stops renewing once the socket is gone", async () => {
    const clock = new FakeClock(1_000_000_000);
    const token = jwtExpiringAt(clock.now() + 60_000, "a");
    const accessToken = vi.fn(async () => token);
    const context = setup({ overrides: { clock, accessToken } });
    await startLive(context);
    context.feed.stop();
    accessToken.mockClear();
    clock.advance(120_000);
    await settle();
    expect(accessToken).not.toHaveBeenCalled();
    expect(clock.pending).toEqual([]);
  });

  it("does not schedule anything for a token it cannot read", async () => {
    const context = setup();
    await startLive(context);
    expect(context.clock.pending).toEqual([45_000]); // the silence timer only
  });
});
