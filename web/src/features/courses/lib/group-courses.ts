import type { Course } from "../../../api/types";
import { isStaff } from "./permissions";

export interface CourseGroups {
  /** Courses I teach: owner, instructor or teaching assistant. */
  teaching: Course[];
  /** Courses I take as a student. */
  learning: Course[];
  /** Archived courses, whatever my role, kept out of the way. */
  archived: Course[];
}

/** Splits my courses by what I do in them, keeping the api's order (newest first). */
export function groupCourses(courses: readonly Course[]): CourseGroups {
  const groups: CourseGroups = { teaching: [], learning: [], archived: [] };
  for (const course of courses) {
    if (course.archived_at !== null) groups.archived.push(course);
    else if (isStaff(course.my_role)) groups.teaching.push(course);
    else groups.learning.push(course);
  }
  return groups;
}

/** Appends a further page, dropping courses already shown (a page boundary can shift). */
export function appendCourses(shown: readonly Course[], more: readonly Course[]): Course[] {
  const seen = new Set(shown.map((course) => course.id));
  return [...shown, ...more.filter((course) => !seen.has(course.id))];
}
