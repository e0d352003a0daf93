import { type FormEvent, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { describeProblem } from "../../../api/problem";
import { useAuth } from "../../../auth/useAuth";
import { Field } from "../../../shared/components/Field";
import { FormAlert } from "../../../shared/components/FormAlert";
import { SubmitButton } from "../../../shared/components/SubmitButton";
import { useDocumentTitle } from "../../../shared/hooks/useDocumentTitle";
import { useFormSubmission } from "../../../shared/hooks/useFormSubmission";
import { authPathFor, isInviteReturn } from "../lib/return-to";
import { PASSWORD_MIN_LENGTH, SIGN_UP_FIELDS, validateSignUp } from "../lib/validate-account";
import { AuthLayout } from "./AuthLayout";

export function SignUpPage() {
  useDocumentTitle("Create an account");
  const { signUp } = useAuth();
  const [params] = useSearchParams();
  const next = params.get("next");
  const form = useFormSubmission(SIGN_UP_FIELDS);
  const [displayName, setDisplayName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const account = { display_name: displayName.trim(), email: email.trim(), password };
    const invalid = validateSignUp(account);
    if (invalid) {
      form.showErrors(invalid);
      return;
    }
    await form.submit(
      () => signUp(account),
      (problem) =>
        problem.type === "email-taken"
          ? { fields: { email: describeProblem(problem.problem) }, form: null }
          : null,
    );
  }

  return (
    <AuthLayout
      title="Create an account"
      intro={
        isInviteReturn(next) ? (
          <p>Create an account to join the course you were invited to.</p>
        ) : (
          <p>Teach live classes or join your teacher's — it starts with an account.</p>
        )
      }
      footer={
        <p>
          Already have an account? <Link to={authPathFor("/signin", next)}>Sign in</Link>
        </p>
      }
    >
      <form ref={form.formRef} onSubmit={onSubmit} noValidate className="form">
        <FormAlert>{form.formError}</FormAlert>
        <Field label="Your name" hint="Shown to your classmates and teachers." error={form.fieldErrors.display_name}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="text"
              name="display_name"
              autoComplete="name"
              maxLength={100}
              value={displayName}
              onChange={(event) => {
                setDisplayName(event.target.value);
                form.clearFieldError("display_name");
              }}
            />
          )}
        </Field>
        <Field label="Email" error={form.fieldErrors.email}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="email"
              name="email"
              autoComplete="email"
              inputMode="email"
              value={email}
              onChange={(event) => {
                setEmail(event.target.value);
                form.clearFieldError("email");
              }}
            />
          )}
        </Field>
        <Field
          label="Password"
          hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
          error={form.fieldErrors.password}
        >
          {(control) => (
            <input
              {...control}
              className="input"
              type="password"
              name="password"
              autoComplete="new-password"
              value={password}
              onChange={(event) => {
                setPassword(event.target.value);
                form.clearFieldError("password");
              }}
            />
          )}
        </Field>
        <SubmitButton submitting={form.submitting} busyLabel="Creating your account…">
          Create account
        </SubmitButton>
      </form>
    </AuthLayout>
  );
}
