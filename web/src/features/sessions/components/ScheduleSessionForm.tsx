import { type FormEvent, useState } from "react";
import { IdempotencyKeys } from "../../../api/idempotency";
import type { Session } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { useSessionForm } from "../hooks/useSessionForm";
import { defaultScheduleInput, scheduleDraft, validateSchedule } from "../lib/schedule-draft";
import { scheduleSession } from "../lib/sessions-api";
import { SessionForm } from "./SessionForm";

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
  const state = useSessionForm(() => defaultScheduleInput(new Date(), recordByDefault));
  const { form, input } = state;
  // Trying again after a lost answer must not schedule the class twice.
  const [keys] = useState(() => new IdempotencyKeys());

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
    <SessionForm
      state={state}
      label="Schedule a class"
      submitLabel="Schedule class"
      busyLabel="Scheduling…"
      onSubmit={onSubmit}
      onCancel={onCancel}
    />
  );
}
