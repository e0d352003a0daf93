import type { ChangeEvent, InputHTMLAttributes, ReactNode, TextareaHTMLAttributes } from "react";
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
export function TextField<Name extends string>(props: TextFieldProps<Name> & Omit<InputHTMLAttributes<HTMLInputElement>, Owned>) {
  const { form, name, label, hint, value, onChange, ...input } = props;
  return (
    <Field label={label} hint={hint} error={form.fieldErrors[name]}>
      {(control) => <input {...control} {...input} className="input" {...bound(props)} />}
    </Field>
  );
}

/** `TextField` for longer text. */
export function TextAreaField<Name extends string>(
  props: TextFieldProps<Name> & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, Owned>,
) {
  const { form, name, label, hint, value, onChange, ...textarea } = props;
  return (
    <Field label={label} hint={hint} error={form.fieldErrors[name]}>
      {(control) => <textarea {...control} {...textarea} className="input textarea" {...bound(props)} />}
    </Field>
  );
}

/** The control's name and value, and a change handler that also clears the field's error. */
function bound<Name extends string>({ form, name, value, onChange }: TextFieldProps<Name>) {
  return {
    name,
    value,
    onChange: (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
      onChange(event.target.value);
      form.clearFieldError(name);
    },
  };
}
