/**
 * Checks run before sending the sign-in and sign-up forms. They mirror the api's rules
 * so people learn about a short password before a round trip; the api stays the
 * authority and its 422 errors land on the same fields.
 */
import type { FormErrors } from "../../../api/problem";
import type { LoginRequest, SignupRequest } from "../../../api/types";

export const PASSWORD_MIN_LENGTH = 10;
export const DISPLAY_NAME_MAX_LENGTH = 100;

export type SignInField = keyof LoginRequest;
export type SignUpField = keyof SignupRequest;

export const SIGN_IN_FIELDS: readonly SignInField[] = ["email", "password"];
export const SIGN_UP_FIELDS: readonly SignUpField[] = ["display_name", "email", "password"];

// Deliberately loose: the server decides what a deliverable address is.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

function emailError(email: string): string | undefined {
  if (email.trim() === "") return "Enter your email address.";
  if (!EMAIL_SHAPE.test(email.trim())) return "Enter an email address like name@school.edu.";
  return undefined;
}

export function validateSignIn(credentials: LoginRequest): FormErrors<SignInField> | null {
  const fields: Partial<Record<SignInField, string>> = {};
  const email = emailError(credentials.email);
  if (email) fields.email = email;
  if (credentials.password === "") fields.password = "Enter your password.";
  return Object.keys(fields).length > 0 ? { fields, form: null } : null;
}

export function validateSignUp(account: SignupRequest): FormErrors<SignUpField> | null {
  const fields: Partial<Record<SignUpField, string>> = {};
  const name = account.display_name.trim();
  if (name === "") fields.display_name = "Enter the name others will see.";
  else if (name.length > DISPLAY_NAME_MAX_LENGTH) {
    fields.display_name = `Use at most ${DISPLAY_NAME_MAX_LENGTH} characters.`;
  }
  const email = emailError(account.email);
  if (email) fields.email = email;
  if (account.password.length < PASSWORD_MIN_LENGTH) {
    fields.password = `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  }
  return Object.keys(fields).length > 0 ? { fields, form: null } : null;
}

/**
 * The message for a locked account: the api's detail, plus when to try again from
 * `Retry-After` unless the detail already says so.
 */
export function lockedOutMessage(detail: string, retryAfterSeconds: number | null): string {
  const when = /try again/i.test(detail) ? null : retryAfterSentence(retryAfterSeconds);
  return when ? `${detail} ${when}` : detail;
}

/** "Try again in 5 minutes." from a Retry-After in seconds. */
export function retryAfterSentence(seconds: number | null): string | null {
  if (seconds === null || seconds <= 0) return null;
  if (seconds < 60) return `Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`;
  const minutes = Math.ceil(seconds / 60);
  return `Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
