import { type FormEvent, useEffect, useRef, useState } from "react";
import { IdempotencyKeys } from "../../../api/idempotency";
import type { Session } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { Field } from "../../../shared/components/Field";
import { FormAlert } from "../../../shared/components/FormAlert";
import { SubmitButton } from "../../../shared/components/SubmitButton";
import { useFormSubmission } from "../../../shared/hooks/useFormSubmission";
import { formatMinutes } from "../../../shared/lib/format-duration";
import {
  DURATION_CHOICES,
  SCHEDULE_FIELDS,
  SESSION_TITLE_MAX_LENGTH,
  type ScheduleInput,
  defaultScheduleInput,
  scheduleDraft,
  validateSchedule,
} from "../lib/schedule-draft";
import { scheduleSession } from "../lib/sessions-api";

interface ScheduleSessionFormProps {
  courseId: string;
  onScheduled(session: Session): void;
  onCancel(): void;
}

/** Schedules a class: title, day, start time (the teacher's own time zone) and length. */
export function ScheduleSessionForm({ courseId, onScheduled, onCancel }: ScheduleSessionFormProps) {
  const api = useApi();
  const form = useFormSubmission(SCHEDULE_FIELDS);
  const [input, setInput] = useState<ScheduleInput>(() => defaultScheduleInput(new Date()));
  const titleRef = useRef<HTMLInputElement | null>(null);
  // Trying again after a lost answer must not schedule the class twice.
  const [keys] = useState(() => new IdempotencyKeys());

  useEffect(() => titleRef.current?.focus(), []);

  function change<K extends keyof ScheduleInput>(key: K, value: ScheduleInput[K], field: (typeof SCHEDULE_FIELDS)[number]) {
    setInput((current) => ({ ...current, [key]: value }));
    form.clearFieldError(field);
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
      <Field label="Class title" error={form.fieldErrors.title}>
        {(control) => (
          <input
            {...control}
            ref={titleRef}
            className="input"
            type="text"
            name="title"
            maxLength={SESSION_TITLE_MAX_LENGTH}
            placeholder="e.g. Week 3 — the Calvin cycle"
            value={input.title}
            onChange={(event) => change("title", event.target.value, "title")}
          />
        )}
      </Field>
      <div className="form-row form-row--three">
        <Field label="Date" error={form.fieldErrors.date}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="date"
              name="date"
              value={input.date}
              onChange={(event) => change("date", event.target.value, "date")}
            />
          )}
        </Field>
        <Field label="Start time" error={form.fieldErrors.time}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="time"
              name="time"
              step={300}
              value={input.time}
              onChange={(event) => change("time", event.target.value, "time")}
            />
          )}
        </Field>
        <Field label="Duration" error={form.fieldErrors.duration}>
          {(control) => (
            <select
              {...control}
              className="input select"
              name="duration"
              value={input.durationMinutes}
              onChange={(event) => change("durationMinutes", Number(event.target.value), "duration")}
            >
              {DURATION_CHOICES.map((minutes) => (
                <option key={minutes} value={minutes}>
                  {formatMinutes(minutes)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <p className="field__hint">Times are in your time zone ({Intl.DateTimeFormat().resolvedOptions().timeZone}).</p>
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
