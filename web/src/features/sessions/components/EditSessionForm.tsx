import { type FormEvent, useState } from "react";
import type { Session } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { useSessionForm } from "../hooks/useSessionForm";
import { inputFromSession, sessionChanges, validateSchedule } from "../lib/schedule-draft";
import { updateSession } from "../lib/sessions-api";
import { SessionForm } from "./SessionForm";

interface EditSessionFormProps {
  session: Session;
  onSaved(session: Session): void;
  onCancel(): void;
}

/** Hosts edit a scheduled class: the schedule form's fields and rules, sending only what changed. */
export function EditSessionForm({ session, onSaved, onCancel }: EditSessionFormProps) {
  const api = useApi();
  const [original] = useState(() => inputFromSession(session));
  const state = useSessionForm(() => original);
  const { form, input } = state;

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
    <SessionForm
      state={state}
      label={`Edit ${session.title}`}
      submitLabel="Save changes"
      busyLabel="Saving…"
      ownDuration={original.durationMinutes}
      onSubmit={onSubmit}
      onCancel={onCancel}
    />
  );
}
