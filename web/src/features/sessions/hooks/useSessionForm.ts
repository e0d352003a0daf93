import { type RefObject, useEffect, useRef, useState } from "react";
import { type FormSubmission, useFormSubmission } from "../../../shared/hooks/useFormSubmission";
import { SCHEDULE_FIELDS, type ScheduleField, type ScheduleInput } from "../lib/schedule-draft";

export interface SessionFormState {
  form: FormSubmission<ScheduleField>;
  input: ScheduleInput;
  /** Takes a change of the fields; `field`'s error goes (null: a change no error is about). */
  change(change: Partial<ScheduleInput>, field: ScheduleField | null): void;
  /** The title, focused when the form opens. */
  titleRef: RefObject<HTMLInputElement | null>;
}

/** What scheduling a class and editing one share: the fields' input, their errors, the title's focus. */
export function useSessionForm(initial: () => ScheduleInput): SessionFormState {
  const form = useFormSubmission(SCHEDULE_FIELDS);
  const [input, setInput] = useState<ScheduleInput>(initial);
  const titleRef = useRef<HTMLInputElement | null>(null);

  useEffect(() => titleRef.current?.focus(), []);

  function change(change: Partial<ScheduleInput>, field: ScheduleField | null) {
    setInput((current) => ({ ...current, ...change }));
    if (field !== null) form.clearFieldError(field);
  }

  return { form, input, change, titleRef };
}
