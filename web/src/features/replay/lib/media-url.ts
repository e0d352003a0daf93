/**
 * Keeping a long replay playing on short-lived media URLs.
 *
 * The manifest's media URL is presigned and expires (300 s by default), and a 90-minute
 * class outlives many of them: the browser asks for more of the file as it plays and
 * seeks, and an expired URL answers 403. So the player fetches the manifest again ahead of
 * expiry, keeps the fresh URL, and swaps the `<video>`'s `src` only at a moment that
 * interrupts nothing — while paused, on a seek the user made (the browser re-buffers
 * anyway) once the playing URL is near its expiry, or whenever the element stalls or
 * fails — restoring the time and play state.
 *
 * ```
 * URL 1  |──────────────────────────── expires ─┤
 *                             refresh ▲ (lead)   URL 2 held as `fresh`
 *                                        pause / seek / stall / error ▲ swap to URL 2
 * ```
 */
import type { ReplayMedia } from "../../../api/types";

export interface SignedMedia {
  url: string;
  mime: string;
  /** When the URL stops working (ms since the epoch), reckoned from when it was asked for. */
  expiresAt: number;
  /** How long it was good for (ms). */
  lifetimeMs: number;
}

/** `media` from a manifest requested at `requestedAt`: its clock starts then, to be safe. */
export function signedMedia(media: ReplayMedia, requestedAt: number): SignedMedia {
  const lifetimeMs = Math.max(0, media.expires_in_seconds) * 1000;
  return { url: media.url, mime: media.mime, expiresAt: requestedAt + lifetimeMs, lifetimeMs };
}

const MIN_LEAD_MS = 15_000;
const MAX_LEAD_MS = 120_000;

/**
 * How long before expiry to fetch a new URL: a quarter of its life, between 15 s and 2 min,
 * but never more than half of it (a URL good for 20 s is renewed after 10).
 */
export function refreshLeadMs(lifetimeMs: number): number {
  const lead = Math.min(MAX_LEAD_MS, Math.max(MIN_LEAD_MS, lifetimeMs / 4));
  return Math.min(lead, lifetimeMs / 2);
}

/** When to fetch the manifest again for `media`. */
export function refreshDueAt(media: SignedMedia): number {
  return media.expiresAt - refreshLeadMs(media.lifetimeMs);
}

/** Why a moment may be the one to change the URL. */
export type SourceMoment =
  /** The user paused: nothing is playing to interrupt. */
  | "paused"
  /** The user jumped somewhere: the browser fetches from there anyway. */
  | "user-seek"
  /** The element waits for data that does not come. */
  | "stalled"
  /** The element failed (an expired URL answers 403). */
  | "error";

export interface SourceState {
  /** The URL the `<video>` plays. */
  playing: SignedMedia;
  /** A newer URL, waiting for a moment that interrupts nothing. */
  fresh: SignedMedia | null;
  /** A stall or failure that needs a URL we do not have yet: swap as soon as one comes. */
  awaiting: SourceMoment | null;
  /** Failures in a row, each answered with a new URL: past a few, the URL is not the problem. */
  failures: number;
}

export type SourceDecision =
  | { type: "keep" }
  /** Set `src` to this URL, then restore the time, speed and play state. */
  | { type: "swap"; to: SignedMedia }
  /** There is no fresh URL yet: fetch the manifest now (and swap when it comes). */
  | { type: "refetch" }
  /** Failing with fresh URLs too: the recording cannot be played here. */
  | { type: "give-up" };

export const MAX_FAILURES = 3;

export function startSource(media: SignedMedia): SourceState {
  return { playing: media, fresh: null, awaiting: null, failures: 0 };
}

/** Takes in the media of a newer manifest: kept when it outlives every URL held. */
export function receiveMedia(state: SourceState, media: SignedMedia): SourceState {
  const newest = state.fresh ?? state.playing;
  if (media.url === state.playing.url || media.url === state.fresh?.url) return state;
  if (media.expiresAt <= newest.expiresAt) return state;
  return { ...state, fresh: media };
}

/** When to fetch the manifest again: ahead of the expiry of the newest URL held. */
export function nextRefreshAt(state: SourceState): number {
  return refreshDueAt(state.fresh ?? state.playing);
}

/** Whether fetching a new URL is due (none held outlives the lead). */
export function refreshDue(state: SourceState, now: number): boolean {
  return now >= nextRefreshAt(state);
}

/** What to do at `moment`. */
export function decide(state: SourceState, moment: SourceMoment, now: number): SourceDecision {
  switch (moment) {
    case "paused":
    case "user-seek":
      // Only once the playing URL is near its end: a swap costs a re-buffer, and while the
      // replay is still being made a fresh URL comes with every poll.
      return state.fresh && now >= refreshDueAt(state.playing) ? { type: "swap", to: state.fresh } : { type: "keep" };
    case "stalled":
      if (state.fresh) return { type: "swap", to: state.fresh };
      // A stall on a good URL is the network's: the element resumes by itself.
      return now >= state.playing.expiresAt ? { type: "refetch" } : { type: "keep" };
    case "error":
      if (state.failures >= MAX_FAILURES) return { type: "give-up" };
      return state.fresh ? { type: "swap", to: state.fresh } : { type: "refetch" };
  }
}

/** A refetch asked for at `moment`: the swap happens when the URL arrives (`pendingSwap`). */
export function awaitFresh(state: SourceState, moment: SourceMoment): SourceState {
  return { ...state, awaiting: moment };
}

/** The URL to swap to now, because a stall or failure was waiting for it; else null. */
export function pendingSwap(state: SourceState): SignedMedia | null {
  return state.awaiting !== null && state.fresh !== null ? state.fresh : null;
}

/** After setting `src` to `to` at `moment`. */
export function swapped(state: SourceState, to: SignedMedia, moment: SourceMoment): SourceState {
  return {
    playing: to,
    fresh: state.fresh?.url === to.url ? null : state.fresh,
    awaiting: null,
    failures: moment === "error" ? state.failures + 1 : state.failures,
  };
}

/** The element plays again: failures so far were the URL's, not the recording's. */
export function recovered(state: SourceState): SourceState {
  return state.failures === 0 && state.awaiting === null ? state : { ...state, failures: 0, awaiting: null };
}

/** How long to wait before asking again after a failed manifest fetch: 2 s, doubling to 30 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(30_000, 2_000 * 2 ** Math.max(0, attempt));
}
