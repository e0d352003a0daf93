/**
 * RFC 9457 problem documents, as the app sees them.
 *
 * Every failed call — an api error, a non-JSON error page from a proxy, or no network at
 * all — becomes a `ProblemError`, so screens have exactly one error shape to render:
 * `detail` for people, `type` for code, `errors` for form fields.
 */
import type { FieldError, ProblemDocument } from "./types";

/** Types the client itself produces when there is no problem document to read. */
export const NETWORK_PROBLEM = "network";
export const UNEXPECTED_PROBLEM = "unexpected-response";

export class ProblemError extends Error {
  readonly problem: ProblemDocument;
  /** Seconds from the `Retry-After` header, when the server sent one. */
  readonly retryAfterSeconds: number | null;

  constructor(problem: ProblemDocument, retryAfterSeconds: number | null = null) {
    super(describeProblem(problem));
    this.name = "ProblemError";
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  get type(): string {
    return this.problem.type;
  }

  get status(): number {
    return this.problem.status;
  }
}

/** The sentence to show a person: the server's `detail`, else its `title`. */
export function describeProblem(problem: ProblemDocument): string {
  const detail = problem.detail?.trim();
  if (detail) return detail;
  const title = problem.title.trim();
  return title || "Something went wrong. Please try again.";
}

export function isProblem(error: unknown, type?: string): error is ProblemError {
  return error instanceof ProblemError && (type === undefined || error.type === type);
}

/** Turns any thrown value into a `ProblemError`, so UI code never sees `unknown`. */
export function toProblemError(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  return new ProblemError({
    type: UNEXPECTED_PROBLEM,
    title: "Unexpected error",
    status: 0,
    detail: "Something went wrong on this page. Please try again.",
  });
}

export function networkProblem(): ProblemError {
  return new ProblemError({
    type: NETWORK_PROBLEM,
    title: "No connection",
    status: 0,
    detail: "Can't reach Multistream. Check your connection and try again.",
  });
}

/** Reads a failed response into a `ProblemError`, whatever its body turned out to be. */
export async function problemFromResponse(response: Response): Promise<ProblemError> {
  const retryAfter = parseRetryAfter(response.headers.get("Retry-After"));
  const body: unknown = await response.json().catch(() => null);
  if (isProblemDocument(body)) {
    return new ProblemError({ ...body, status: body.status || response.status }, retryAfter);
  }
  return new ProblemError(
    {
      type: UNEXPECTED_PROBLEM,
      title: response.statusText || "Unexpected response",
      status: response.status,
      detail:
        response.status >= 500
          ? "Multistream is having trouble right now. Please try again in a moment."
          : `The request failed (HTTP ${response.status}).`,
    },
    retryAfter,
  );
}

function isProblemDocument(body: unknown): body is ProblemDocument {
  if (typeof body !== "object" || body === null) return false;
  const candidate = body as Record<string, unknown>;
  return typeof candidate.type === "string" && typeof candidate.title === "string";
}

/** `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: Date = new Date()): number | null {
  if (value === null || value.trim() === "") return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

export interface FormErrors<Field extends string> {
  /** One message per form field the problem named. */
  fields: Partial<Record<Field, string>>;
  /** What to show above the form: the detail, plus messages for fields the form lacks. */
  form: string | null;
}

/**
 * Maps a problem's `errors[]` onto a form's fields.
 *
 * The api names fields by their JSON name (`display_name`), possibly with a location
 * prefix (`body.display_name`); both map to the form's `display_name`. Messages for
 * fields the form does not have are not lost: they join the form-level message.
 */
export function formErrorsFromProblem<Field extends string>(
  problem: ProblemDocument,
  formFields: readonly Field[],
): FormErrors<Field> {
  const fields: Partial<Record<Field, string>> = {};
  const unmatched: string[] = [];
  for (const error of problem.errors ?? []) {
    const field = matchField(error, formFields);
    if (field === null) {
      unmatched.push(error.message);
    } else if (fields[field] === undefined) {
      fields[field] = error.message;
    }
  }
  const hasFieldErrors = Object.keys(fields).length > 0;
  // With every error placed beside its field, the generic "check these fields" detail
  // only repeats what the fields say; keep it when something could not be placed.
  const form =
    unmatched.length > 0
      ? [describeProblem(problem), ...unmatched].join(" ")
      : hasFieldErrors
        ? null
        : describeProblem(problem);
  return { fields, form };
}

function matchField<Field extends string>(
  error: FieldError,
  formFields: readonly Field[],
): Field | null {
  const path = error.field.split(".");
  for (let start = 0; start < path.length; start += 1) {
    const candidate = path.slice(start).join(".");
    const match = formFields.find((field) => field === candidate);
    if (match !== undefined) return match;
  }
  return null;
}
