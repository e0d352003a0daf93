import { type RefObject, useCallback, useRef, useState } from "react";
import { type FormErrors, type ProblemError, formErrorsFromProblem, toProblemError } from "../../api/problem";

export interface FormSubmission<Field extends string> {
  submitting: boolean;
  fieldErrors: Partial<Record<Field, string>>;
  formError: string | null;
  /** Attach to the <form>; the first invalid field gets focus after a failed submit. */
  formRef: RefObject<HTMLFormElement | null>;
  /**
   * Runs `action` unless a submit is already running. A thrown problem becomes field
   * and form errors (`interpret` may place it differently, e.g. `email-taken` on the
   * email field). Resolves true when the action succeeded.
   */
  submit(
    action: () => Promise<void>,
    interpret?: (problem: ProblemError) => FormErrors<Field> | null,
  ): Promise<boolean>;
  /** Shows errors found before sending (client-side validation). */
  showErrors(errors: FormErrors<Field>): void;
  clearFieldError(field: Field): void;
}

export function useFormSubmission<Field extends string>(fields: readonly Field[]): FormSubmission<Field> {
  const [submitting, setSubmitting] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement | null>(null);
  const inFlight = useRef(false);
  const fieldsRef = useRef(fields);
  fieldsRef.current = fields;

  const showErrors = useCallback((errors: FormErrors<Field>) => {
    setFieldErrors(errors.fields);
    setFormError(errors.form);
    // After React has rendered the messages, so the field's description is announced.
    requestAnimationFrame(() => {
      const form = formRef.current;
      const firstInvalid = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
      if (firstInvalid) firstInvalid.focus();
      else form?.querySelector<HTMLElement>('[role="alert"]')?.focus();
    });
  }, []);

  const submit = useCallback(
    async (
      action: () => Promise<void>,
      interpret?: (problem: ProblemError) => FormErrors<Field> | null,
    ): Promise<boolean> => {
      if (inFlight.current) return false;
      inFlight.current = true;
      setSubmitting(true);
      setFieldErrors({});
      setFormError(null);
      try {
        await action();
        return true;
      } catch (error) {
        const problem = toProblemError(error);
        showErrors(interpret?.(problem) ?? formErrorsFromProblem(problem.problem, fieldsRef.current));
        return false;
      } finally {
        inFlight.current = false;
        setSubmitting(false);
      }
    },
    [showErrors],
  );

  const clearFieldError = useCallback((field: Field) => {
    setFieldErrors((current) => {
      if (current[field] === undefined) return current;
      const next = { ...current };
      delete next[field];
      return next;
    });
  }, []);

  return { submitting, fieldErrors, formError, formRef, submit, showErrors, clearFieldError };
}
