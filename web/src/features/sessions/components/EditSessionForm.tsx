import { type FormEvent, useEffect, useRef, useState } from "react";
import type { Session } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { FormAlert } from "../../../shared/components/FormAlert";
import { SubmitButton } from "../../../shared/components/SubmitButton";
import { useFormSubmission } from "../../../shared/hooks/useFormSubmission";
import {
  SCHEDULE_FIELDS,
  type ScheduleField,
  type ScheduleInput,
  inputFromSession,
  sessionChanges,
  validateSchedule,
} from "../lib/schedule-draft";
import { updateSession } from "../lib/sessions-api";
import { SessionFields } from "./SessionFields";

interface EditSessionFormProps {
  session: Session;
  onSaved(session: Session): void;
  onCancel(): void;
}

/** Hosts edit a scheduled class: the schedule form's fields and rules, sending only what changed. */
export function EditSessionForm({ session, onSaved, onCancel }: EditSessionFormProps) {
  const api = useApi();
  const form = useFormSubmission(SCHEDULE_FIELDS);
  const [original] = useState(() => inputFromSession(session));
  const [input, setInput] = useState<ScheduleInput>(original);
  const titleRef = useRef<HTMLInputElement | null>(null);

  useEffect(() => titleRef.current?.focus(), []);

  function change(change: Partial<ScheduleInput>, field: ScheduleField | null) {
    setInput((current) => ({ ...current, ...change }));
    if (field !== null) form.clearFieldError(field);
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Keeping a start that has passed is fine (the class has not started yet); moving it into the past is not.
    const invalid = validateSchedule(input, new Date(), Date.parse(session.scheduled_start));
    if (invalid) {
      form.showErrors(invalid);
      return;
    }
    const changes = sessionChanges(session, input);
    if (Object.keys(changes).length === 0) {
      onCancel();
      return;
    }
    // A PATCH of the same fields is safe to repeat: no idempotency key needed.
    await form.submit(async () => onSaved(await updateSession(api, session.id, changes)));
  }

  return (
    <form ref={form.formRef} onSubmit={onSubmit} noValidate className="form schedule-form" aria-label={`Edit ${session.title}`}>
      <FormAlert>{form.formError}</FormAlert>
      <SessionFields
        input={input}
        errors={form.fieldErrors}
        onChange={change}
        titleRef={titleRef}
        ownDuration={original.durationMinutes}
      />
      <div className="actions">
        <SubmitButton submitting={form.submitting} busyLabel="Saving…">
          Save changes
        </SubmitButton>
        <button type="button" className="button" onClick={onCancel} disabled={form.submitting}>
          Cancel
        </button>
      </div>
    </form>
  );
}
