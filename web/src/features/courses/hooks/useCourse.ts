import type { Course } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { type Resource, useResource } from "../../../shared/hooks/useResource";
import { getCourse } from "../lib/courses-api";

export function useCourse(courseId: string): Resource<Course> {
  const api = useApi();
  return useResource((signal) => getCourse(api, courseId, signal), [api, courseId]);
}
