import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { useApi } from "../../../auth/useApi";
import { Field } from "../../../shared/components/Field";
import { FormAlert } from "../../../shared/components/FormAlert";
import { SubmitButton } from "../../../shared/components/SubmitButton";
import { useFormSubmission } from "../../../shared/hooks/useFormSubmission";
import { createCourse } from "../lib/courses-api";
import {
  COURSE_FIELDS,
  DESCRIPTION_MAX_LENGTH,
  TITLE_MAX_LENGTH,
  courseDraft,
  validateCourse,
} from "../lib/validate-course";

export const CREATE_COURSE_TITLE_ID = "create-course-title";

/** Creates a course and opens it, since inviting students is the next thing to do. */
export function CreateCourseForm() {
  const api = useApi();
  const navigate = useNavigate();
  const form = useFormSubmission(COURSE_FIELDS);
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const draft = courseDraft(title, description);
    const invalid = validateCourse(draft);
    if (invalid) {
      form.showErrors(invalid);
      return;
    }
    await form.submit(async () => {
      const course = await createCourse(api, draft);
      navigate(`/courses/${encodeURIComponent(course.id)}`);
    });
  }

  return (
    <section className="card" aria-labelledby={CREATE_COURSE_TITLE_ID}>
      <h2 id={CREATE_COURSE_TITLE_ID} tabIndex={-1}>
        Create a course
      </h2>
      <form ref={form.formRef} onSubmit={onSubmit} noValidate className="form">
        <FormAlert>{form.formError}</FormAlert>
        <Field label="Title" error={form.fieldErrors.title}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="text"
              name="title"
              maxLength={TITLE_MAX_LENGTH}
              placeholder="e.g. Biology 101 — Spring term"
              value={title}
              onChange={(event) => {
                setTitle(event.target.value);
                form.clearFieldError("title");
              }}
            />
          )}
        </Field>
        <Field label="Description (optional)" hint="What students will learn." error={form.fieldErrors.description}>
          {(control) => (
            <textarea
              {...control}
              className="input textarea"
              name="description"
              rows={3}
              maxLength={DESCRIPTION_MAX_LENGTH}
              value={description}
              onChange={(event) => {
                setDescription(event.target.value);
                form.clearFieldError("description");
              }}
            />
          )}
        </Field>
        <SubmitButton submitting={form.submitting} busyLabel="Creating…">
          Create course
        </SubmitButton>
      </form>
    </section>
  );
}
