import { useCallback, useState } from "react";
import { type ProblemError, toProblemError } from "../../../api/problem";
import type { CoursePage } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { type Resource, useResource } from "../../../shared/hooks/useResource";
import { listCourses } from "../lib/courses-api";
import { appendCourses } from "../lib/group-courses";

export type CourseList = Resource<CoursePage> & {
  loadMore(): Promise<void>;
  loadingMore: boolean;
  loadMoreError: ProblemError | null;
};

/** My courses, newest first, one page at a time. */
export function useCourseList(): CourseList {
  const api = useApi();
  const firstPage = useResource((signal) => listCourses(api, {}, signal), [api]);
  const [loadingMore, setLoadingMore] = useState(false);
  const [loadMoreError, setLoadMoreError] = useState<ProblemError | null>(null);
  const cursor = firstPage.status === "ready" ? firstPage.data.next_cursor : null;
  const { update } = firstPage;

  const loadMore = useCallback(async () => {
    if (cursor === null) return;
    setLoadingMore(true);
    setLoadMoreError(null);
    try {
      const next = await listCourses(api, { cursor });
      update((shown) => ({ items: appendCourses(shown.items, next.items), next_cursor: next.next_cursor }));
    } catch (error) {
      setLoadMoreError(toProblemError(error));
    } finally {
      setLoadingMore(false);
    }
  }, [api, cursor, update]);

  return { ...firstPage, loadMore, loadingMore, loadMoreError };
}
