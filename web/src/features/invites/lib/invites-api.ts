/** Invite links: created by hosts, previewed and accepted by whoever holds the link. */
import type { ApiClient } from "../../../api/client";
import type { Invite, InviteAccepted, InviteCreate, InviteList, InvitePreview } from "../../../api/types";

const courseInvites = (courseId: string) => `/api/v1/courses/${encodeURIComponent(courseId)}/invites`;
const invite = (code: string) => `/api/v1/invites/${encodeURIComponent(code)}`;

export function createInvite(api: ApiClient, courseId: string, draft: InviteCreate): Promise<Invite> {
  return api.post<Invite>(courseInvites(courseId), draft);
}

export async function listInvites(api: ApiClient, courseId: string, signal?: AbortSignal): Promise<Invite[]> {
  const list = await api.get<InviteList>(courseInvites(courseId), signal ? { signal } : {});
  return list.items;
}

export function previewInvite(api: ApiClient, code: string, signal?: AbortSignal): Promise<InvitePreview> {
  return api.get<InvitePreview>(invite(code), signal ? { signal } : {});
}

export function acceptInvite(api: ApiClient, code: string): Promise<InviteAccepted> {
  return api.post<InviteAccepted>(`${invite(code)}/accept`);
}
