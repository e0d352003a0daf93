import { useCallback, useSyncExternalStore } from "react";
import type { Playhead } from "../lib/playhead";

/**
 * What a component derives from the playhead — an index, a count — re-rendering only when
 * that changes, not on every tick. `derive` must return a primitive (compared with `Object.is`).
 */
export function usePlayheadValue<T extends string | number | boolean | null>(
  playhead: Playhead,
  derive: (ms: number) => T,
): T {
  const read = useCallback(() => derive(playhead.get()), [playhead, derive]);
  return useSyncExternalStore(playhead.subscribe, read, read);
}
