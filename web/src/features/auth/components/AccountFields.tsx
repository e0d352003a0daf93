import { TextField } from "../../../shared/components/TextField";
import type { FormSubmission } from "../../../shared/hooks/useFormSubmission";

/** The fields the sign-in and sign-up forms share: their `form` has both. */
type AccountForm = Pick<FormSubmission<"email" | "password">, "fieldErrors" | "clearFieldError">;

export function EmailField({ form, value, onChange }: { form: AccountForm; value: string; onChange(value: string): void }) {
  return (
    <TextField form={form} name="email" label="Email" type="email" autoComplete="email" inputMode="email" value={value} onChange={onChange} />
  );
}

/** `current-password` to sign in, `new-password` (with the rule as a hint) to sign up. */
export function PasswordField(props: {
  form: AccountForm;
  autoComplete: "current-password" | "new-password";
  hint?: string;
  value: string;
  onChange(value: string): void;
}) {
  const { form, autoComplete, hint, value, onChange } = props;
  return (
    <TextField form={form} name="password" label="Password" hint={hint} type="password" autoComplete={autoComplete} value={value} onChange={onChange} />
  );
}
