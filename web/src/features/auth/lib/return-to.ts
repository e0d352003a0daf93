/**
 * Where to go after signing in. The page a signed-out user tried to open travels in the
 * `next` query parameter; only same-origin paths are honoured, so a crafted sign-in
 * link cannot send someone to another site.
 */

export const DEFAULT_AFTER_SIGN_IN = "/courses";

export function safeReturnPath(next: string | null | undefined): string {
  if (!next) return DEFAULT_AFTER_SIGN_IN;
  // "/x" is a path; "//host" and "/\host" are read by browsers as another origin.
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) {
    return DEFAULT_AFTER_SIGN_IN;
  }
  // Control characters have no business in a path and can hide a scheme.
  if (/[\u0000-\u001f\u007f]/.test(next)) return DEFAULT_AFTER_SIGN_IN;
  // Never bounce back to the auth pages themselves.
  if (/^\/(signin|signup)(?:[/?#]|$)/.test(next)) return DEFAULT_AFTER_SIGN_IN;
  return next;
}

/** `/signin?next=…` (or `/signup?next=…`) for the page at `path`. */
export function authPathFor(page: "/signin" | "/signup", next: string | null | undefined): string {
  const target = safeReturnPath(next);
  return target === DEFAULT_AFTER_SIGN_IN ? page : `${page}?next=${encodeURIComponent(target)}`;
}

/** Whether the page to return to is an invite link, so the auth pages can say why. */
export function isInviteReturn(next: string | null): boolean {
  return safeReturnPath(next).startsWith("/invite/");
}
