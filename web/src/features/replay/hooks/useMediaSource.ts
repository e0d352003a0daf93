import { useCallback, useEffect, useRef, useState } from "react";
import type { ReplayMedia } from "../../../api/types";
import {
  type SignedMedia,
  type SourceMoment,
  type SourceState,
  awaitFresh,
  decide,
  nextRefreshAt,
  pendingSwap,
  receiveMedia,
  recovered,
  retryDelayMs,
  signedMedia,
  startSource,
  swapped,
} from "../lib/media-url";

const MIN_DELAY_MS = 1_000;

export interface MediaSource {
  /** The URL the `<video>` plays; null until the replay has media. */
  src: string | null;
  mime: string | null;
  /** The recording failed to play even with fresh URLs. */
  gaveUp: boolean;
  /**
   * A moment that may take a fresh URL (pause, the user's seek, a stall, an error). True
   * when `src` is being changed: `onSwap` was told, and restores the time and play state.
   */
  moment(moment: SourceMoment): boolean;
  /** The element plays: failures so far were the URL's. */
  playing(): void;
  /** After giving up: try again with a new URL. */
  retry(): void;
}

/**
 * Keeps the replay's short-lived media URL valid for as long as the page is open, by the
 * schedule in `lib/media-url.ts`: `refresh` (the manifest's) is called ahead of expiry and
 * the new URL is kept until `moment` finds a moment to swap it in without interrupting.
 */
export function useMediaSource(
  media: ReplayMedia | null,
  requestedAt: number,
  refresh: () => Promise<boolean>,
  onSwap: (to: SignedMedia, moment: SourceMoment) => void,
): MediaSource {
  const source = useRef<SourceState | null>(null);
  const [src, setSrc] = useState<{ url: string; mime: string } | null>(null);
  const [gaveUp, setGaveUp] = useState(false);
  // Bumped after each refresh attempt, so the schedule is worked out again from the new state.
  const [attempts, setAttempts] = useState(0);
  const failedRefreshes = useRef(0);
  const swapHandler = useRef(onSwap);
  swapHandler.current = onSwap;

  const swap = useCallback((to: SignedMedia, moment: SourceMoment) => {
    if (source.current === null) return;
    source.current = swapped(source.current, to, moment);
    setSrc({ url: to.url, mime: to.mime });
    swapHandler.current(to, moment);
  }, []);

  const fetchFresh = useCallback(async () => {
    const ok = await refresh();
    failedRefreshes.current = ok ? 0 : failedRefreshes.current + 1;
    setAttempts((n) => n + 1);
  }, [refresh]);

  // Each manifest's media: the first one plays; later ones wait as `fresh`.
  const url = media?.url ?? null;
  useEffect(() => {
    if (media === null) return;
    const signed = signedMedia(media, requestedAt);
    if (source.current === null) {
      source.current = startSource(signed);
      setSrc({ url: signed.url, mime: signed.mime });
      return;
    }
    source.current = receiveMedia(source.current, signed);
    const waiting = pendingSwap(source.current);
    if (waiting !== null) swap(waiting, source.current.awaiting ?? "error");
    // `media` is read through its URL and time: a new object with the same URL is no news.
  }, [url, requestedAt]);

  // The next fetch: ahead of expiry; after a failed one, or while a stall or error waits
  // for a URL, again soon (2 s, doubling). Never in a tight loop.
  useEffect(() => {
    const state = source.current;
    if (state === null) return;
    const delay =
      state.awaiting !== null || failedRefreshes.current > 0
        ? retryDelayMs(Math.max(0, failedRefreshes.current - 1))
        : nextRefreshAt(state) - Date.now();
    const timer = window.setTimeout(() => void fetchFresh(), Math.max(MIN_DELAY_MS, delay));
    return () => window.clearTimeout(timer);
  }, [src, attempts, fetchFresh]);

  const moment = useCallback(
    (which: SourceMoment) => {
      const state = source.current;
      if (state === null) return false;
      const decision = decide(state, which, Date.now());
      switch (decision.type) {
        case "keep":
          return false;
        case "swap":
          swap(decision.to, which);
          return true;
        case "refetch":
          if (state.awaiting === null) {
            source.current = awaitFresh(state, which);
            void fetchFresh();
          }
          return false;
        case "give-up":
          setGaveUp(true);
          return false;
      }
    },
    [swap, fetchFresh],
  );

  const playing = useCallback(() => {
    if (source.current !== null) source.current = recovered(source.current);
    setGaveUp(false);
  }, []);

  const retry = useCallback(() => {
    if (source.current === null) return;
    source.current = awaitFresh({ ...source.current, failures: 0 }, "error");
    setGaveUp(false);
    void fetchFresh();
  }, [fetchFresh]);

  return { src: src?.url ?? null, mime: src?.mime ?? null, gaveUp, moment, playing, retry };
}
