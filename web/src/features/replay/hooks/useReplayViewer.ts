import { useEffect, useState } from "react";
import type { Course, Session } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { getCourse } from "../../courses/lib/courses-api";
import { getSession } from "../../sessions/lib/sessions-api";

export interface ReplayViewer {
  /** The class (title, course, when it ran); null until loaded or when it could not be. */
  session: Session | null;
  /** My role in its course: hosts may run a failed pipeline again. */
  role: Course["my_role"];
}

/**
 * The class around a replay and my part in it. Best effort: the manifest decides whether
 * the page can be shown at all (a 404 there is the not-found page), so a failure here only
 * leaves out the title and the hosts' controls.
 */
export function useReplayViewer(sessionId: string): ReplayViewer {
  const api = useApi();
  const [viewer, setViewer] = useState<ReplayViewer>({ session: null, role: null });

  useEffect(() => {
    const controller = new AbortController();
    setViewer({ session: null, role: null });
    (async () => {
      const session = await getSession(api, sessionId, controller.signal);
      if (controller.signal.aborted) return;
      setViewer({ session, role: null });
      const course = await getCourse(api, session.course_id, controller.signal);
      if (!controller.signal.aborted) setViewer({ session, role: course.my_role });
    })().catch(() => undefined);
    return () => controller.abort();
  }, [api, sessionId]);

  return viewer;
}
