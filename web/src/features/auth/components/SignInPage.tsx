import { type FormEvent, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { describeProblem } from "../../../api/problem";
import { useAuth } from "../../../auth/useAuth";
import { SubmissionForm } from "../../../shared/components/SubmissionForm";
import { SubmitButton } from "../../../shared/components/SubmitButton";
import { useDocumentTitle } from "../../../shared/hooks/useDocumentTitle";
import { useFormSubmission } from "../../../shared/hooks/useFormSubmission";
import { authPathFor, isInviteReturn } from "../lib/return-to";
import { SIGN_IN_FIELDS, lockedOutMessage, validateSignIn } from "../lib/validate-account";
import { EmailField, PasswordField } from "./AccountFields";
import { AuthLayout } from "./AuthLayout";

export function SignInPage() {
  useDocumentTitle("Sign in");
  const { signIn, state, externalSignIn: ExternalSignIn } = useAuth();
  const [params] = useSearchParams();
  const next = params.get("next");
  const form = useFormSubmission(SIGN_IN_FIELDS);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const credentials = { email: email.trim(), password };
    const invalid = validateSignIn(credentials);
    if (invalid) {
      form.showErrors(invalid);
      return;
    }
    // On success the session changes and the route guard takes the user to `next`.
    await form.submit(
      () => signIn(credentials),
      (problem) =>
        problem.type === "too-many-attempts"
          ? { fields: {}, form: lockedOutMessage(describeProblem(problem.problem), problem.retryAfterSeconds) }
          : null,
    );
  }

  const expired = state.status === "signed-out" && state.expired;

  // Clerk signs people in with its own components (see auth/clerk/ClerkApp.tsx).
  if (ExternalSignIn !== null) return <ExternalSignIn mode="sign-in" />;

  return (
    <AuthLayout
      title="Sign in"
      intro={
        expired ? (
          <p className="notice" role="status">
            Your session has ended. Please sign in again.
          </p>
        ) : isInviteReturn(next) ? (
          <p>Sign in to see the course you were invited to.</p>
        ) : (
          <p>Welcome back to Multistream.</p>
        )
      }
      footer={
        <p>
          New to Multistream? <Link to={authPathFor("/signup", next)}>Create an account</Link>
        </p>
      }
    >
      <SubmissionForm form={form} onSubmit={onSubmit}>
        <EmailField form={form} value={email} onChange={setEmail} />
        <PasswordField form={form} autoComplete="current-password" value={password} onChange={setPassword} />
        <SubmitButton submitting={form.submitting} busyLabel="Signing in…">
          Sign in
        </SubmitButton>
      </SubmissionForm>
    </AuthLayout>
  );
}
