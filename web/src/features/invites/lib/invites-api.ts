/** Invite links: created by hosts, previewed and accepted by whoever holds the link. */
import type { ApiClient } from "../../../api/client";
import { inCourse } from "../../../api/params";
import type { Invite, InviteAccepted, InviteCreate, InvitePreview } from "../../../api/types";

const byCode = (code: string) => ({ path: { code } });

export function createInvite(api: ApiClient, courseId: string, draft: InviteCreate): Promise<Invite> {
  return api.POST("/api/v1/courses/{course_id}/invites", { params: inCourse(courseId), body: draft });
}

export async function listInvites(api: ApiClient, courseId: string, signal?: AbortSignal): Promise<Invite[]> {
  const list = await api.GET("/api/v1/courses/{course_id}/invites", { params: inCourse(courseId), signal });
  return list.items;
}

export function previewInvite(api: ApiClient, code: string, signal?: AbortSignal): Promise<InvitePreview> {
  return api.GET("/api/v1/invites/{code}", { params: byCode(code), signal });
}

export function acceptInvite(api: ApiClient, code: string): Promise<InviteAccepted> {
  return api.POST("/api/v1/invites/{code}/accept", { params: byCode(code) });
}
