import type { InputHTMLAttributes, ReactNode, TextareaHTMLAttributes } from "react";
import type { FormSubmission } from "../hooks/useFormSubmission";
import { Field } from "./Field";

/** What the field sets on its control itself. */
type Owned = "id" | "name" | "value" | "onChange" | "className" | "aria-invalid" | "aria-describedby" | "children" | "form";

interface TextFieldProps<Name extends string> {
  /** The form (`useFormSubmission`) whose error for `name` the field shows. */
  form: Pick<FormSubmission<Name>, "fieldErrors" | "clearFieldError">;
  name: Name;
  label: string;
  hint?: ReactNode;
  value: string;
  onChange(value: string): void;
}

/** A form's text input with its label, hint and error; typing clears the error. */
export function TextField<Name extends string>({
  form,
  name,
  label,
  hint,
  value,
  onChange,
  ...input
}: TextFieldProps<Name> & Omit<InputHTMLAttributes<HTMLInputElement>, Owned>) {
  return (
    <Field label={label} hint={hint} error={form.fieldErrors[name]}>
      {(control) => (
        <input
          {...control}
          {...input}
          className="input"
          name={name}
          value={value}
          onChange={(event) => {
            onChange(event.target.value);
            form.clearFieldError(name);
          }}
        />
      )}
    </Field>
  );
}

/** `TextField` for longer text. */
export function TextAreaField<Name extends string>({
  form,
  name,
  label,
  hint,
  value,
  onChange,
  ...textarea
}: TextFieldProps<Name> & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, Owned>) {
  return (
    <Field label={label} hint={hint} error={form.fieldErrors[name]}>
      {(control) => (
        <textarea
          {...control}
          {...textarea}
          className="input textarea"
          name={name}
          value={value}
          onChange={(event) => {
            onChange(event.target.value);
            form.clearFieldError(name);
          }}
        />
      )}
    </Field>
  );
}
