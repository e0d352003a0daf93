/** Course and membership calls. */
import type { ApiClient } from "../../../api/client";
import { inCourse } from "../../../api/params";
import type { AssignableRole, Course, CourseCreate, CoursePage, CourseUpdate, Member } from "../../../api/types";

const ofMember = (courseId: string, userId: string) => ({ path: { course_id: courseId, user_id: userId } });

export function listCourses(
  api: ApiClient,
  page: { cursor?: string | null; limit?: number } = {},
  signal?: AbortSignal,
): Promise<CoursePage> {
  return api.GET("/api/v1/courses", { params: { query: { cursor: page.cursor || undefined, limit: page.limit } }, signal });
}

export function getCourse(api: ApiClient, courseId: string, signal?: AbortSignal): Promise<Course> {
  return api.GET("/api/v1/courses/{course_id}", { params: inCourse(courseId), signal });
}

export function createCourse(api: ApiClient, draft: CourseCreate): Promise<Course> {
  return api.POST("/api/v1/courses", { body: draft });
}

/** Hosts: changes the fields given (title, description, whether new classes are recorded). */
export function updateCourse(api: ApiClient, courseId: string, changes: CourseUpdate): Promise<Course> {
  return api.PATCH("/api/v1/courses/{course_id}", { params: inCourse(courseId), body: changes });
}

export function archiveCourse(api: ApiClient, courseId: string): Promise<Course> {
  return api.POST("/api/v1/courses/{course_id}/archive", { params: inCourse(courseId) });
}

export async function listMembers(api: ApiClient, courseId: string, signal?: AbortSignal): Promise<Member[]> {
  const list = await api.GET("/api/v1/courses/{course_id}/members", { params: inCourse(courseId), signal });
  return list.items;
}

export function changeMemberRole(
  api: ApiClient,
  courseId: string,
  userId: string,
  role: AssignableRole,
): Promise<Member> {
  return api.PATCH("/api/v1/courses/{course_id}/members/{user_id}", { params: ofMember(courseId, userId), body: { role } });
}

export function removeMember(api: ApiClient, courseId: string, userId: string): Promise<void> {
  return api.DELETE("/api/v1/courses/{course_id}/members/{user_id}", { params: ofMember(courseId, userId) });
}
