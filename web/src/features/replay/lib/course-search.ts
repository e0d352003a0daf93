/** A course search's hits, grouped by class for the results page. Pure. */
import type { CourseSearchHit } from "../../../api/types";
import { hitsInTimeOrder } from "./search-hits";

export interface ClassHits {
  sessionId: string;
  title: string;
  startedAt: string | null;
  /** In the order they happen in the class. */
  hits: CourseSearchHit[];
}

/** One group per class, the class with the best hit first (the api answers best first). */
export function groupHitsByClass(hits: readonly CourseSearchHit[]): ClassHits[] {
  const groups = new Map<string, ClassHits>();
  for (const hit of hits) {
    let group = groups.get(hit.session_id);
    if (!group) {
      group = { sessionId: hit.session_id, title: hit.session_title, startedAt: hit.session_started_at, hits: [] };
      groups.set(hit.session_id, group);
    }
    group.hits.push(hit);
  }
  return [...groups.values()].map((group) => ({ ...group, hits: hitsInTimeOrder(group.hits) }));
}
