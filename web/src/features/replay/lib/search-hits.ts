/**
 * Walking a class's search hits: the api answers best first; the player lists them in the
 * order they happen (as the marks on the seek bar read), and Enter, Next and Previous move
 * through them, wrapping at either end — like a browser's find bar.
 */
import type { SearchHit, SearchHitKind } from "../../../api/types";

/** Hits in time order (the better one first at the same moment), without exact repeats. */
export function hitsInTimeOrder<T extends SearchHit>(hits: readonly T[]): T[] {
  const seen = new Set<string>();
  return [...hits]
    .sort((a, b) => a.start_ms - b.start_ms || b.rank - a.rank)
    .filter((hit) => {
      const key = `${hit.kind}:${hit.idx ?? ""}:${hit.ref_id ?? ""}:${hit.start_ms}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** Where Enter in the search box goes: the first hit of new results, else the next one. */
export function hitOnEnter(count: number, current: number | null, sameResults: boolean): number | null {
  if (count === 0) return null;
  if (!sameResults || current === null) return 0;
  return stepHit(count, current, 1);
}

/** The next (1) or previous (-1) hit, wrapping; from none, the first or the last. */
export function stepHit(count: number, current: number | null, direction: 1 | -1): number | null {
  if (count === 0) return null;
  if (current === null || current < 0 || current >= count) return direction === 1 ? 0 : count - 1;
  return (current + direction + count) % count;
}

const KIND_LABELS: Record<SearchHitKind, string> = {
  transcript: "Said",
  slide: "Slide",
  question: "Question",
  chat: "Chat",
};

/** What kind of place a hit is, in a word; unknown kinds (added later) read as "Match". */
export function hitKindLabel(kind: string): string {
  return (KIND_LABELS as Record<string, string>)[kind] ?? "Match";
}
