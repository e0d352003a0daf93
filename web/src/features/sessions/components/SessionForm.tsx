import type { FormEvent } from "react";
import { SubmissionForm } from "../../../shared/components/SubmissionForm";
import { SubmitButton } from "../../../shared/components/SubmitButton";
import type { SessionFormState } from "../hooks/useSessionForm";
import { SessionFields } from "./SessionFields";

interface SessionFormProps {
  state: SessionFormState;
  /** The form's name for screen readers: "Schedule a class", "Edit Week 3". */
  label: string;
  submitLabel: string;
  busyLabel: string;
  /** An edited class's own length (see `SessionFields`). */
  ownDuration?: number;
  onSubmit(event: FormEvent<HTMLFormElement>): void;
  onCancel(): void;
}

/** The schedule form and the edit form: the class's fields, the api's errors, send and cancel. */
export function SessionForm({ state, label, submitLabel, busyLabel, ownDuration, onSubmit, onCancel }: SessionFormProps) {
  const { form, input, change, titleRef } = state;
  return (
    <SubmissionForm form={form} onSubmit={onSubmit} className="form schedule-form" label={label}>
      <SessionFields input={input} errors={form.fieldErrors} onChange={change} titleRef={titleRef} ownDuration={ownDuration} />
      <div className="actions">
        <SubmitButton submitting={form.submitting} busyLabel={busyLabel}>
          {submitLabel}
        </SubmitButton>
        <button type="button" className="button" onClick={onCancel} disabled={form.submitting}>
          Cancel
        </button>
      </div>
    </SubmissionForm>
  );
}
