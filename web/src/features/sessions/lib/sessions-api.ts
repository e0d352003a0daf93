/** Live-session calls: scheduling and editing, the lifecycle, joining, and the event log. */
import type { ApiClient } from "../../../api/client";
import { inCourse, inSession } from "../../../api/params";
import { IDEMPOTENCY_HEADER } from "../../../api/idempotency";
import type { ProblemError } from "../../../api/problem";
import type {
  EventPage,
  JoinResponse,
  Session,
  SessionCreate,
  SessionState,
  SessionUpdate,
} from "../../../api/types";

export async function listSessions(api: ApiClient, courseId: string, signal?: AbortSignal): Promise<Session[]> {
  const list = await api.GET("/api/v1/courses/{course_id}/sessions", { params: inCourse(courseId), signal });
  return list.items;
}

/** Schedules a class; retries of one attempt share `idempotencyKey`, so it is made once. */
export function scheduleSession(
  api: ApiClient,
  courseId: string,
  draft: SessionCreate,
  idempotencyKey?: string,
): Promise<Session> {
  const headers = idempotencyKey ? { [IDEMPOTENCY_HEADER]: idempotencyKey } : undefined;
  return api.POST("/api/v1/courses/{course_id}/sessions", { params: inCourse(courseId), body: draft, headers });
}

/**
 * Hosts edit a scheduled or live class: only the fields given change (title, times,
 * whether it is recorded). A live class's `scheduled_end` moved later keeps it from
 * ending by itself for running over.
 */
export function updateSession(api: ApiClient, sessionId: string, changes: SessionUpdate): Promise<Session> {
  return api.PATCH("/api/v1/sessions/{session_id}", { params: inSession(sessionId), body: changes });
}

/** A class as its course lists it (title, times, statuses); 404 for non-members. */
export function getSession(api: ApiClient, sessionId: string, signal?: AbortSignal): Promise<Session> {
  return api.GET("/api/v1/sessions/{session_id}", { params: inSession(sessionId), signal });
}

export function getSessionState(api: ApiClient, sessionId: string, signal?: AbortSignal): Promise<SessionState> {
  return api.GET("/api/v1/sessions/{session_id}/state", { params: inSession(sessionId), signal });
}

/** Enters the class: the state snapshot, my role, and media credentials while it is live. */
export function joinSession(api: ApiClient, sessionId: string, signal?: AbortSignal): Promise<JoinResponse> {
  return api.POST("/api/v1/sessions/{session_id}/join", { params: inSession(sessionId), signal });
}

/** Goes live; a class that is live already is returned as it is. */
export function startSession(api: ApiClient, sessionId: string): Promise<Session> {
  return api.POST("/api/v1/sessions/{session_id}/start", { params: inSession(sessionId) });
}

/** Ends the class; one that has ended already is returned as it is. */
export function endSession(api: ApiClient, sessionId: string): Promise<Session> {
  return api.POST("/api/v1/sessions/{session_id}/end", { params: inSession(sessionId) });
}

export function fetchEvents(
  api: ApiClient,
  sessionId: string,
  after: number,
  limit = 200,
  signal?: AbortSignal,
): Promise<EventPage> {
  return api.GET("/api/v1/sessions/{session_id}/events", {
    params: { ...inSession(sessionId), query: { after, limit } },
    signal,
  });
}

/** The class is not there for me: unknown, removed, not my course, or an id that could name none. */
export function isMissingSession(error: ProblemError): boolean {
  return error.type === "not-found" || error.status === 404 || error.status === 422;
}
