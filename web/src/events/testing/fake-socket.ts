/**
 * A fake live socket and a fake clock for `SessionFeed` tests (tests only).
 *
 * `FakeSockets.connect` is the feed's socket factory: each connection attempt becomes a
 * `FakeSocket` the test plays the server with (`open`, `deliver`, `closeFromServer`)
 * and inspects (`sent`, `closedByClient`).
 */
import type { FeedSocket, FeedSocketHandlers, SocketFactory } from "../feed-io";

export class FakeSocket implements FeedSocket {
  /** Frames the client sent, parsed. */
  readonly sent: unknown[] = [];
  closedByClient: { code: number | undefined; reason: string | undefined } | null = null;
  private readonly handlers: FeedSocketHandlers;

  constructor(handlers: FeedSocketHandlers) {
    this.handlers = handlers;
  }

  send(frame: string): void {
    if (this.closedByClient) throw new Error("FakeSocket: send after close");
    this.sent.push(JSON.parse(frame));
  }

  close(code?: number, reason?: string): void {
    this.closedByClient = { code, reason };
  }

  // --- the server's side ---------------------------------------------------------

  open(): this {
    this.handlers.open();
    return this;
  }

  /** Sends one frame (an object is serialized; a string goes as it is). */
  deliver(frame: unknown): this {
    this.handlers.message(typeof frame === "string" ? frame : JSON.stringify(frame));
    return this;
  }

  welcome(head: number, role = "participant"): this {
    return this.deliver({ type: "welcome", head, role });
  }

  ping(): this {
    return this.deliver({ type: "ping" });
  }

  closeFromServer(code: number, reason = ""): void {
    this.handlers.close(code, reason);
  }

  /** The `hello` this connection sent, if any. */
  get hello(): { type: string; token: string; after: number } | undefined {
    return this.sent[0] as { type: string; token: string; after: number } | undefined;
  }
}

export class FakeSockets {
  readonly all: FakeSocket[] = [];

  readonly connect: SocketFactory = (handlers) => {
    const socket = new FakeSocket(handlers);
    this.all.push(socket);
    return socket;
  };

  get last(): FakeSocket {
    const socket = this.all.at(-1);
    if (socket === undefined) throw new Error("FakeSockets: no connection was made");
    return socket;
  }
}
