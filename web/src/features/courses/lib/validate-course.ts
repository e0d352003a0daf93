import type { FormErrors } from "../../../api/problem";
import type { CourseCreate } from "../../../api/types";

export const TITLE_MAX_LENGTH = 200;
export const DESCRIPTION_MAX_LENGTH = 5000;

export type CourseField = "title" | "description";
export const COURSE_FIELDS: readonly CourseField[] = ["title", "description"];

/**
 * The create-course request for what was typed, trimmed. The form has no recording choice
 * yet: its classes are recorded, the api's own default.
 */
export function courseDraft(title: string, description: string): CourseCreate {
  return { title: title.trim(), description: description.trim(), record_by_default: true };
}

export function validateCourse(draft: CourseCreate): FormErrors<CourseField> | null {
  const fields: Partial<Record<CourseField, string>> = {};
  if (draft.title === "") fields.title = "Give the course a title.";
  else if (draft.title.length > TITLE_MAX_LENGTH) fields.title = `Use at most ${TITLE_MAX_LENGTH} characters.`;
  if (draft.description.length > DESCRIPTION_MAX_LENGTH) {
    fields.description = `Use at most ${DESCRIPTION_MAX_LENGTH} characters.`;
  }
  return Object.keys(fields).length > 0 ? { fields, form: null } : null;
}
