import { describe, expect, it } from "vitest";
import {
  MAX_FAILURES,
  type SignedMedia,
  awaitFresh,
  decide,
  nextRefreshAt,
  pendingSwap,
  receiveMedia,
  recovered,
  refreshDue,
  refreshDueAt,
  refreshLeadMs,
  retryDelayMs,
  signedMedia,
  startSource,
  swapped,
} from "./media-url";

const T0 = 1_700_000_000_000;

function media(url: string, requestedAt: number, seconds = 300): SignedMedia {
  return signedMedia({ url, mime: "audio/wav", expires_in_seconds: seconds }, requestedAt);
}

describe("the refresh schedule", () => {
  it("dates expiry from when the manifest was asked for", () => {
    const first = media("u1", T0);
    expect(first.expiresAt).toBe(T0 + 300_000);
    expect(first.lifetimeMs).toBe(300_000);
  });

  it("fetches a new URL a quarter of its life ahead, between 15 s and 2 min, at most half of it", () => {
    expect(refreshLeadMs(300_000)).toBe(75_000);
    expect(refreshLeadMs(3_600_000)).toBe(120_000);
    expect(refreshLeadMs(60_000)).toBe(15_000);
    expect(refreshLeadMs(20_000)).toBe(10_000);
    expect(refreshLeadMs(0)).toBe(0);
    expect(refreshDueAt(media("u1", T0))).toBe(T0 + 225_000);
  });

  it("keeps a URL that outlives the one held and schedules from the newest", () => {
    let state = startSource(media("u1", T0));
    expect(nextRefreshAt(state)).toBe(T0 + 225_000);
    expect(refreshDue(state, T0 + 224_999)).toBe(false);
    expect(refreshDue(state, T0 + 225_000)).toBe(true);

    state = receiveMedia(state, media("u2", T0 + 225_000));
    expect(state.fresh?.url).toBe("u2");
    expect(state.playing.url).toBe("u1");
    expect(nextRefreshAt(state)).toBe(T0 + 450_000);
    expect(refreshDue(state, T0 + 300_000)).toBe(false);
  });

  it("ignores the same URL again, and one that expires no later than what is held", () => {
    const state = startSource(media("u1", T0));
    expect(receiveMedia(state, media("u1", T0 + 10_000))).toBe(state);
    expect(receiveMedia(state, media("u0", T0 - 1_000))).toBe(state);
    const withFresh = receiveMedia(state, media("u2", T0 + 200_000));
    expect(receiveMedia(withFresh, media("u3", T0 + 100_000))).toBe(withFresh);
    expect(receiveMedia(withFresh, media("u4", T0 + 250_000)).fresh?.url).toBe("u4");
  });

  it("backs off after failed fetches: 2 s doubling to 30 s", () => {
    expect([0, 1, 2, 3, 4, 10].map(retryDelayMs)).toEqual([2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });
});

describe("when to swap", () => {
  const held = receiveMedia(startSource(media("u1", T0)), media("u2", T0 + 225_000));

  it("never swaps while playing along: only at a moment that interrupts nothing", () => {
    for (const moment of ["paused", "user-seek", "stalled", "error"] as const) {
      expect(decide(held, moment, T0 + 230_000)).toEqual({ type: "swap", to: held.fresh });
    }
  });

  it("keeps a URL far from expiry at a pause or seek, but not on a stall or error", () => {
    const early = receiveMedia(startSource(media("u1", T0)), media("u2", T0 + 4_000));
    expect(decide(early, "paused", T0 + 5_000)).toEqual({ type: "keep" });
    expect(decide(early, "user-seek", T0 + 5_000)).toEqual({ type: "keep" });
    expect(decide(early, "stalled", T0 + 5_000)).toEqual({ type: "swap", to: early.fresh });
    expect(decide(early, "error", T0 + 5_000)).toEqual({ type: "swap", to: early.fresh });
    expect(decide(early, "paused", T0 + 225_000)).toEqual({ type: "swap", to: early.fresh });
  });

  it("keeps the URL on a pause or seek when there is no fresher one", () => {
    const state = startSource(media("u1", T0));
    expect(decide(state, "paused", T0 + 1_000)).toEqual({ type: "keep" });
    expect(decide(state, "user-seek", T0 + 1_000)).toEqual({ type: "keep" });
  });

  it("leaves a stall on a good URL to the network, and refetches on a stall past expiry", () => {
    const state = startSource(media("u1", T0));
    expect(decide(state, "stalled", T0 + 100_000)).toEqual({ type: "keep" });
    expect(decide(state, "stalled", T0 + 300_000)).toEqual({ type: "refetch" });
  });

  it("refetches on an error without a fresh URL, and swaps as soon as it comes", () => {
    let state = startSource(media("u1", T0));
    expect(decide(state, "error", T0 + 400_000)).toEqual({ type: "refetch" });
    state = awaitFresh(state, "error");
    expect(pendingSwap(state)).toBeNull();
    state = receiveMedia(state, media("u2", T0 + 400_000));
    const to = pendingSwap(state);
    expect(to?.url).toBe("u2");
    state = swapped(state, to as SignedMedia, "error");
    expect(state).toMatchObject({ playing: { url: "u2" }, fresh: null, awaiting: null, failures: 1 });
  });

  it("counts failures in a row, gives up past a few, and forgets them once playing again", () => {
    let state = startSource(media("u1", T0));
    for (let i = 0; i < MAX_FAILURES; i += 1) {
      state = receiveMedia(state, media(`u${i + 2}`, T0 + (i + 1) * 1_000));
      const decision = decide(state, "error", T0);
      expect(decision.type).toBe("swap");
      if (decision.type === "swap") state = swapped(state, decision.to, "error");
    }
    expect(decide(state, "error", T0)).toEqual({ type: "give-up" });
    expect(recovered(state).failures).toBe(0);
  });

  it("does not count a swap at a pause or seek as a failure", () => {
    const next = swapped(held, held.fresh as SignedMedia, "paused");
    expect(decide(held, "paused", T0 + 225_000).type).toBe("swap");
    expect(next.failures).toBe(0);
    expect(next.playing.url).toBe("u2");
    expect(recovered(next)).toBe(next);
  });
});
