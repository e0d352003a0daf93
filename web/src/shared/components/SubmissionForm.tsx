import type { FormEvent, ReactNode } from "react";
import type { FormSubmission } from "../hooks/useFormSubmission";
import { FormAlert } from "./FormAlert";

interface SubmissionFormProps<Field extends string> {
  /** Its `useFormSubmission`: the first invalid field gets focus, its form-level error shows on top. */
  form: FormSubmission<Field>;
  onSubmit(event: FormEvent<HTMLFormElement>): void;
  className?: string;
  /** A name for screen readers when the page has several forms. */
  label?: string;
  children: ReactNode;
}

/** A form the app validates itself (`noValidate`), with the error that belongs to no field above its fields. */
export function SubmissionForm<Field extends string>({ form, onSubmit, className = "form", label, children }: SubmissionFormProps<Field>) {
  return (
    <form ref={form.formRef} onSubmit={onSubmit} noValidate className={className} aria-label={label}>
      <FormAlert>{form.formError}</FormAlert>
      {children}
    </form>
  );
}
