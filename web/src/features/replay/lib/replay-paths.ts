/** The replay's addresses (contracts: other pages and shared links point here). */

/** `/sessions/:id/replay`, with `?t=` in whole seconds and `?q=` when given. */
export function replayPath(sessionId: string, options: { atMs?: number | null; query?: string | null } = {}): string {
  const params = new URLSearchParams();
  if (options.atMs !== undefined && options.atMs !== null) params.set("t", String(Math.max(0, Math.floor(options.atMs / 1000))));
  if (options.query) params.set("q", options.query);
  const query = params.toString();
  return `/sessions/${encodeURIComponent(sessionId)}/replay${query ? `?${query}` : ""}`;
}

/** `/courses/:id/search?q=`. */
export function courseSearchPath(courseId: string, query?: string): string {
  const path = `/courses/${encodeURIComponent(courseId)}/search`;
  return query ? `${path}?${new URLSearchParams({ q: query }).toString()}` : path;
}
