import { useCallback, useEffect, useRef } from "react";
import { useApi } from "../../../auth/useApi";
import { saveReplayPosition } from "../lib/replay-api";
import type { Playhead } from "../lib/playhead";

/** While playing, the place is saved this often. */
export const SAVE_EVERY_MS = 10_000;
/** Moves smaller than this since the last save are not worth a request. */
const MIN_CHANGE_MS = 1_000;

/**
 * Remembers where the viewer is (`PUT …/replay/position`): every 10 s while playing, on
 * pause (`save()`), and on leaving — the page unmounting, or the tab being hidden or closed
 * (then with `keepalive`, so the request outlives the page). Failures are let go: the next
 * save tries again, and losing a bookmark is no reason to interrupt a lesson.
 */
export function usePositionSaver(sessionId: string, playhead: Playhead, playing: boolean, enabled: boolean): { save(): void } {
  const api = useApi();
  const saved = useRef<number | null>(null);

  const save = useCallback(
    (keepalive = false) => {
      if (!enabled) return;
      const ms = Math.round(playhead.get());
      if (saved.current !== null && Math.abs(ms - saved.current) < MIN_CHANGE_MS) return;
      saved.current = ms;
      saveReplayPosition(api, sessionId, ms, { keepalive }).catch(() => {
        saved.current = null;
      });
    },
    [api, sessionId, playhead, enabled],
  );

  useEffect(() => {
    if (!playing) return;
    const timer = window.setInterval(() => save(), SAVE_EVERY_MS);
    return () => window.clearInterval(timer);
  }, [playing, save]);

  useEffect(() => {
    const onHide = () => {
      if (document.visibilityState === "hidden") save(true);
    };
    const onPageHide = () => save(true);
    document.addEventListener("visibilitychange", onHide);
    window.addEventListener("pagehide", onPageHide);
    return () => {
      document.removeEventListener("visibilitychange", onHide);
      window.removeEventListener("pagehide", onPageHide);
      save(true);
    };
  }, [save]);

  return { save: useCallback(() => save(), [save]) };
}
