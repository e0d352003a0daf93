import type { Course } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { type Resource, useResource } from "../../../shared/hooks/useResource";
import { listCourses } from "../../courses/lib/courses-api";
import { getReplay } from "../../replay/lib/replay-api";
import { listSessions } from "../../sessions/lib/sessions-api";
import { type CourseClass, type HomePlan, type Watching, homePlan, isUnfinished } from "../lib/home-plan";

export interface Home extends HomePlan {
  courses: Course[];
  /** More courses than the first page: "All courses" says so. */
  moreCourses: boolean;
  watching: Watching[];
}

/**
 * The home page's data, composed from the course and class endpoints: my courses (first
 * page), each active course's classes, and the saved place in the latest replays. A
 * replay that cannot be read is left out rather than failing the page.
 */
export function useHome(): Resource<Home> {
  const api = useApi();
  return useResource(async (signal) => {
    const page = await listCourses(api, {}, signal);
    const active = page.items.filter((course) => course.archived_at === null);
    const perCourse = await Promise.all(
      active.map(async (course) => (await listSessions(api, course.id, signal)).map((session) => ({ course, session }))),
    );
    const plan = homePlan(perCourse.flat(), Date.now());
    const watching = await Promise.all(
      plan.replays.map(async (item: CourseClass): Promise<Watching | null> => {
        try {
          const replay = await getReplay(api, item.session.id, signal);
          if (!isUnfinished(replay.position_ms, replay.duration_ms)) return null;
          return { ...item, positionMs: replay.position_ms ?? 0, durationMs: replay.duration_ms ?? null };
        } catch {
          return null;
        }
      }),
    );
    return {
      ...plan,
      courses: page.items,
      moreCourses: page.next_cursor !== null,
      watching: watching.filter((item): item is Watching => item !== null),
    };
  }, [api]);
}
