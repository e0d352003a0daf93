import { type FormEvent, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { describeProblem } from "../../../api/problem";
import { useAuth } from "../../../auth/useAuth";
import { SubmissionForm } from "../../../shared/components/SubmissionForm";
import { SubmitButton } from "../../../shared/components/SubmitButton";
import { TextField } from "../../../shared/components/TextField";
import { useDocumentTitle } from "../../../shared/hooks/useDocumentTitle";
import { useFormSubmission } from "../../../shared/hooks/useFormSubmission";
import { authPathFor, isInviteReturn } from "../lib/return-to";
import { DISPLAY_NAME_MAX_LENGTH, PASSWORD_MIN_LENGTH, SIGN_UP_FIELDS, validateSignUp } from "../lib/validate-account";
import { EmailField, PasswordField } from "./AccountFields";
import { AuthLayout } from "./AuthLayout";

export function SignUpPage() {
  useDocumentTitle("Create an account");
  const { signUp, externalSignIn: ExternalSignIn } = useAuth();
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

  // Clerk signs people in with its own components (see auth/clerk/ClerkApp.tsx).
  if (ExternalSignIn !== null) return <ExternalSignIn mode="sign-up" />;

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
      <SubmissionForm form={form} onSubmit={onSubmit}>
        <TextField
          form={form}
          name="display_name"
          label="Your name"
          hint="Shown to your classmates and teachers."
          type="text"
          autoComplete="name"
          maxLength={DISPLAY_NAME_MAX_LENGTH}
          value={displayName}
          onChange={setDisplayName}
        />
        <EmailField form={form} value={email} onChange={setEmail} />
        <PasswordField
          form={form}
          autoComplete="new-password"
          hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
          value={password}
          onChange={setPassword}
        />
        <SubmitButton submitting={form.submitting} busyLabel="Creating your account…">
          Create account
        </SubmitButton>
      </SubmissionForm>
    </AuthLayout>
  );
}
