/** The link a teacher shares: `${origin}/invite/${code}`, which opens `InvitePage`. */
export function inviteUrl(origin: string, code: string): string {
  return `${origin.replace(/\/+$/, "")}/invite/${encodeURIComponent(code)}`;
}

/** The in-app path of an invite link, for returning to it after signing in. */
export function invitePath(code: string): string {
  return `/invite/${encodeURIComponent(code)}`;
}
