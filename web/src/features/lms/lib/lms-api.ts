/** LTI Advantage calls: the course roster from the LMS, and quiz scores to its gradebook. */
import type { ApiClient } from "../../../api/client";
import { inCourse, inSession } from "../../../api/params";
import type { LmsLink, RosterSynced, ScoresPosted } from "../../../api/types";

export function getRosterLink(api: ApiClient, courseId: string, signal?: AbortSignal): Promise<LmsLink> {
  return api.GET("/api/v1/courses/{course_id}/lti/roster-sync", { params: inCourse(courseId), signal });
}

export function syncRoster(api: ApiClient, courseId: string): Promise<RosterSynced> {
  return api.POST("/api/v1/courses/{course_id}/lti/roster-sync", { params: inCourse(courseId) });
}

export function getGradesLink(api: ApiClient, sessionId: string, signal?: AbortSignal): Promise<LmsLink> {
  return api.GET("/api/v1/sessions/{session_id}/lti/scores", { params: inSession(sessionId), signal });
}

export function sendScores(api: ApiClient, sessionId: string): Promise<ScoresPosted> {
  return api.POST("/api/v1/sessions/{session_id}/lti/scores", { params: inSession(sessionId) });
}
