import { describe, expect, it } from "vitest";
import { aSessionState } from "../../../api/testing/fixtures";
import type { FeedSnapshot } from "../../../events/session-feed";
import { mediaCredentialsKey, mediaHealth, realtimeHealth } from "./health";

const feed = (change: Partial<FeedSnapshot>): FeedSnapshot => ({
  status: "live",
  offlineReason: null,
  lastSeq: 4,
  lastEventAt: null,
  lastHeardAt: 1_000_000,
  role: "participant",
  reconnectAttempts: 0,
  nextRetryAt: null,
  ...change,
});

describe("mediaHealth", () => {
  it("says media is off or degraded whatever this page's link, as the api reports it", () => {
    expect(mediaHealth("disabled", "connected")).toMatchObject({ level: "off", label: "Media off" });
    expect(mediaHealth("degraded", null)).toMatchObject({ level: "degraded", label: "Media degraded" });
  });

  it("follows this page's link to the media room otherwise", () => {
    expect(mediaHealth("ok", "connected")).toMatchObject({ level: "ok", label: "Media connected" });
    expect(mediaHealth("unknown", "connecting").level).toBe("pending");
    expect(mediaHealth("ok", "reconnecting").label).toBe("Media reconnecting…");
    expect(mediaHealth("ok", "failed").level).toBe("degraded");
    expect(mediaHealth("ok", null).label).toBe("Media not started");
  });
});

describe("realtimeHealth", () => {
  it("is live, or reconnecting with the time since the last update", () => {
    expect(realtimeHealth(feed({}), 1_000_000)).toMatchObject({ level: "ok", label: "Realtime live" });
    expect(realtimeHealth(feed({ status: "reconnecting" }), 1_012_000)).toEqual({
      level: "degraded",
      label: "Reconnecting…",
      detail: "Last update 12 s ago",
    });
    expect(realtimeHealth(null, 0).level).toBe("pending");
  });

  it("says why live updates stopped", () => {
    expect(realtimeHealth(feed({ status: "offline", offlineReason: "unauthorized" }), 0).detail).toMatch(/Sign in again/);
    expect(realtimeHealth(feed({ status: "offline", offlineReason: "forbidden" }), 0).label).toBe("Live updates refused");
    expect(realtimeHealth(feed({ status: "offline", offlineReason: "stopped" }), 0).level).toBe("off");
  });
});

describe("mediaCredentialsKey", () => {
  const live = (media: "unknown" | "ok" | "degraded" | "disabled") =>
    aSessionState({ media_status: media }, { status: "live", media_status: media });

  it("asks for credentials once the class is live and media may work", () => {
    expect(mediaCredentialsKey(live("ok"), false)).toBe("live:ok");
    expect(mediaCredentialsKey(live("unknown"), false)).toBe("live:unknown");
  });

  it("does not ask before the class starts, when media is down, or with credentials in hand", () => {
    expect(mediaCredentialsKey(aSessionState(), false)).toBeNull();
    expect(mediaCredentialsKey(live("degraded"), false)).toBeNull();
    expect(mediaCredentialsKey(live("disabled"), false)).toBeNull();
    expect(mediaCredentialsKey(live("ok"), true)).toBeNull();
  });
});
