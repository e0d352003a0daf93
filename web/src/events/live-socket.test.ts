import { describe, expect, it } from "vitest";
import { liveUrl } from "./live-socket";

describe("liveUrl", () => {
  it("uses wss:// on https pages and ws:// on http, on the page's own host", () => {
    expect(liveUrl("s-1", { protocol: "https:", host: "class.example.org" })).toBe(
      "wss://class.example.org/api/v1/sessions/s-1/live",
    );
    expect(liveUrl("s-1", { protocol: "http:", host: "127.0.0.1:8470" })).toBe(
      "ws://127.0.0.1:8470/api/v1/sessions/s-1/live",
    );
  });

  it("keeps the session id inside its path segment", () => {
    expect(liveUrl("a/b?c", { protocol: "http:", host: "h" })).toBe("ws://h/api/v1/sessions/a%2Fb%3Fc/live");
  });
});
