/** Course and membership calls. */
import type { ApiClient } from "../../../api/client";
import type {
  AssignableRole,
  Course,
  CourseCreate,
  CoursePage,
  CourseUpdate,
  Member,
  MemberList,
} from "../../../api/types";

const courses = "/api/v1/courses";
const course = (courseId: string) => `${courses}/${encodeURIComponent(courseId)}`;
const member = (courseId: string, userId: string) =>
  `${course(courseId)}/members/${encodeURIComponent(userId)}`;

export function listCourses(
  api: ApiClient,
  page: { cursor?: string | null; limit?: number } = {},
  signal?: AbortSignal,
): Promise<CoursePage> {
  const query = new URLSearchParams();
  if (page.cursor) query.set("cursor", page.cursor);
  if (page.limit !== undefined) query.set("limit", String(page.limit));
  const search = query.toString() === "" ? "" : `?${query.toString()}`;
  return api.get<CoursePage>(`${courses}${search}`, signal ? { signal } : {});
}

export function getCourse(api: ApiClient, courseId: string, signal?: AbortSignal): Promise<Course> {
  return api.get<Course>(course(courseId), signal ? { signal } : {});
}

export function createCourse(api: ApiClient, draft: CourseCreate): Promise<Course> {
  return api.post<Course>(courses, draft);
}

/** Hosts: changes the fields given (title, description, whether new classes are recorded). */
export function updateCourse(api: ApiClient, courseId: string, changes: CourseUpdate): Promise<Course> {
  return api.patch<Course>(course(courseId), changes);
}

export function archiveCourse(api: ApiClient, courseId: string): Promise<Course> {
  return api.post<Course>(`${course(courseId)}/archive`);
}

export async function listMembers(api: ApiClient, courseId: string, signal?: AbortSignal): Promise<Member[]> {
  const list = await api.get<MemberList>(`${course(courseId)}/members`, signal ? { signal } : {});
  return list.items;
}

export function changeMemberRole(
  api: ApiClient,
  courseId: string,
  userId: string,
  role: AssignableRole,
): Promise<Member> {
  return api.patch<Member>(member(courseId, userId), { role });
}

export function removeMember(api: ApiClient, courseId: string, userId: string): Promise<void> {
  return api.delete(member(courseId, userId));
}
