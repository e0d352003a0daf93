import { type FormEvent, useEffect, useRef, useState } from "react";
import { IdempotencyKeys } from "../../../api/idempotency";
import type { Session } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { FormAlert } from "../../../shared/components/FormAlert";
import { SubmitButton } from "../../../shared/components/SubmitButton";
import { useFormSubmission } from "../../../shared/hooks/useFormSubmission";
import {
  SCHEDULE_FIELDS,
  type ScheduleField,
  type ScheduleInput,
  defaultScheduleInput,
  scheduleDraft,
  validateSchedule,
} from "../lib/schedule-draft";
import { scheduleSession } from "../lib/sessions-api";
import { SessionFields } from "./SessionFields";

interface ScheduleSessionFormProps {
  courseId: string;
  /** The course's default for "Record this class". */
  recordByDefault: boolean;
  onScheduled(session: Session): void;
  onCancel(): void;
}

/** Schedules a class: title, day, start time (the teacher's own time zone), length, and whether it is recorded. */
export function ScheduleSessionForm({ courseId, recordByDefault, onScheduled, onCancel }: ScheduleSessionFormProps) {
  const api = useApi();
  const form = useFormSubmission(SCHEDULE_FIELDS);
  const [input, setInput] = useState<ScheduleInput>(() => defaultScheduleInput(new Date(), recordByDefault));
  const titleRef = useRef<HTMLInputElement | null>(null);
  // Trying again after a lost answer must not schedule the class twice.
  const [keys] = useState(() => new IdempotencyKeys());

  useEffect(() => titleRef.current?.focus(), []);

  function change(change: Partial<ScheduleInput>, field: ScheduleField | null) {
    setInput((current) => ({ ...current, ...change }));
    if (field !== null) form.clearFieldError(field);
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const invalid = validateSchedule(input, new Date());
    if (invalid) {
      form.showErrors(invalid);
      return;
    }
    const draft = scheduleDraft(input);
    await form.submit(async () => {
      const session = await scheduleSession(api, courseId, draft, keys.keyFor({ courseId, draft }));
      keys.reset();
      onScheduled(session);
    });
  }

  return (
    <form ref={form.formRef} onSubmit={onSubmit} noValidate className="form schedule-form" aria-label="Schedule a class">
      <FormAlert>{form.formError}</FormAlert>
      <SessionFields input={input} errors={form.fieldErrors} onChange={change} titleRef={titleRef} />
      <div className="actions">
        <SubmitButton submitting={form.submitting} busyLabel="Scheduling…">
          Schedule class
        </SubmitButton>
        <button type="button" className="button" onClick={onCancel} disabled={form.submitting}>
          Cancel
        </button>
      </div>
    </form>
  );
}
