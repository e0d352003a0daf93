import type { Session } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { type Resource, useResource } from "../../../shared/hooks/useResource";
import { listSessions } from "../lib/sessions-api";

/** The classes of a course. */
export function useSessions(courseId: string): Resource<Session[]> {
  const api = useApi();
  return useResource((signal) => listSessions(api, courseId, signal), [api, courseId]);
}
