import { useCallback } from "react";
import { formatMediaTime } from "../lib/format-media-time";
import type { Playhead } from "../lib/playhead";
import { usePlayheadValue } from "../hooks/usePlayheadValue";

/** `3:12 / 45:00`, changing once a second. */
export function PlayheadClock({ playhead, durationMs }: { playhead: Playhead; durationMs: number | null }) {
  const second = usePlayheadValue(playhead, useCallback((ms: number) => Math.floor(ms / 1000), []));
  return (
    <span className="replay-clock">
      <span className="visually-hidden">Time: </span>
      {formatMediaTime(second * 1000)}
      {durationMs !== null ? <span className="muted"> / {formatMediaTime(durationMs)}</span> : null}
    </span>
  );
}
