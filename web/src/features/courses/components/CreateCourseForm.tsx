import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { useApi } from "../../../auth/useApi";
import { SubmissionForm } from "../../../shared/components/SubmissionForm";
import { SubmitButton } from "../../../shared/components/SubmitButton";
import { TextAreaField, TextField } from "../../../shared/components/TextField";
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
      <SubmissionForm form={form} onSubmit={onSubmit}>
        <TextField
          form={form}
          name="title"
          label="Title"
          type="text"
          maxLength={TITLE_MAX_LENGTH}
          placeholder="e.g. Biology 101 — Spring term"
          value={title}
          onChange={setTitle}
        />
        <TextAreaField
          form={form}
          name="description"
          label="Description (optional)"
          hint="What students will learn."
          rows={3}
          maxLength={DESCRIPTION_MAX_LENGTH}
          value={description}
          onChange={setDescription}
        />
        <SubmitButton submitting={form.submitting} busyLabel="Creating…">
          Create course
        </SubmitButton>
      </SubmissionForm>
    </section>
  );
}
