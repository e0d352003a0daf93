/**
 * The one way the app talks to the api.
 *
 * - Every call returns parsed JSON or throws a `ProblemError` (see `problem.ts`).
 * - `/api/v1` calls carry the access token. A missing or expired one is refreshed first;
 *   a 401 is answered by one refresh and one retry, never more.
 * - Refreshes are single-flight: concurrent 401s share one `/auth/local/refresh` call,
 *   because the server rotates the refresh token and a second use of the old one fails.
 * - When the server refuses the refresh token the session is over: the tokens are
 *   cleared and subscribers hear `signed-out`, which sends the user to sign-in.
 */
import { ProblemError, networkProblem, problemFromResponse } from "./problem";
import type { TokenPair } from "./types";

/** What the client needs from token storage (implemented by `auth/token-store.ts`). */
export interface SessionTokens {
  /** The access token, or null when there is none or it is about to expire. */
  accessToken(): string | null;
  refreshToken(): string | null;
  save(pair: TokenPair): void;
  clear(): void;
}

export type SessionEvent =
  | { type: "refreshed"; pair: TokenPair }
  | { type: "signed-out"; problem: ProblemError };

export interface ApiClientOptions {
  tokens: SessionTokens;
  fetch?: typeof fetch;
  /** Prefix for every path; empty in the browser, where the api is the same origin. */
  baseUrl?: string;
}

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Send the bearer token and refresh on 401 (default true). */
  auth?: boolean;
  /** Extra request headers, e.g. `Idempotency-Key`. */
  headers?: Record<string, string>;
  /** Let the request outlive the page (a replay's place saved as the tab closes). */
  keepalive?: boolean;
}

/** A file the api sent (captions, a transcript download), with the name it suggested. */
export interface DownloadedFile {
  blob: Blob;
  /** From `Content-Disposition`, when the api named the file. */
  filename: string | null;
}

export const REFRESH_PATH = "/auth/local/refresh";

export class ApiClient {
  private readonly tokens: SessionTokens;
  private readonly fetchImpl: typeof fetch;
  private readonly baseUrl: string;
  private readonly listeners = new Set<(event: SessionEvent) => void>();
  private refreshing: Promise<TokenPair> | null = null;

  constructor(options: ApiClientOptions) {
    this.tokens = options.tokens;
    // Bound so a bare `fetch` reference never loses its `window` receiver.
    const fetchImpl = options.fetch ?? globalThis.fetch;
    this.fetchImpl = (input, init) => fetchImpl(input, init);
    this.baseUrl = options.baseUrl ?? "";
  }

  subscribe(listener: (event: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Starts a session from a sign-in or sign-up response. */
  startSession(pair: TokenPair): void {
    this.tokens.save(pair);
  }

  endSession(): void {
    this.tokens.clear();
  }

  hasStoredSession(): boolean {
    return this.tokens.refreshToken() !== null;
  }

  /**
   * A current access token for a channel the client does not carry itself (the live
   * socket's `hello`): the one in memory, or a refreshed one. Null when there is no
   * session; throws a `ProblemError` when the refresh could not be done (a refused
   * refresh token also signs the session out).
   */
  async currentAccessToken(): Promise<string | null> {
    const token = this.tokens.accessToken();
    if (token !== null) return token;
    if (this.tokens.refreshToken() === null) return null;
    return (await this.refresh()).access_token;
  }

  get<T>(path: string, options: Omit<RequestOptions, "body"> = {}): Promise<T> {
    return this.request<T>("GET", path, options);
  }

  post<T>(path: string, body?: unknown, options: Omit<RequestOptions, "body"> = {}): Promise<T> {
    return this.request<T>("POST", path, { ...options, body });
  }

  patch<T>(path: string, body: unknown, options: Omit<RequestOptions, "body"> = {}): Promise<T> {
    return this.request<T>("PATCH", path, { ...options, body });
  }

  put<T = void>(path: string, body: unknown, options: Omit<RequestOptions, "body"> = {}): Promise<T> {
    return this.request<T>("PUT", path, { ...options, body });
  }

  delete<T = void>(path: string, options: Omit<RequestOptions, "body"> = {}): Promise<T> {
    return this.request<T>("DELETE", path, options);
  }

  /**
   * A non-JSON body (WebVTT captions, a text download) as a Blob, with the same token
   * handling as every other call: `<track>` and download links cannot send the token,
   * so the app fetches the file and hands the browser a `blob:` URL.
   */
  async getBlob(path: string, options: Omit<RequestOptions, "body"> = {}): Promise<DownloadedFile> {
    const response = await this.respond("GET", path, { ...options, headers: { Accept: "*/*", ...options.headers } });
    if (!response.ok) throw await problemFromResponse(response);
    return { blob: await response.blob(), filename: filenameOf(response.headers.get("Content-Disposition")) };
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return this.parse<T>(await this.respond(method, path, options));
  }

  /** Sends a request, with the token, refreshing it first or after a 401 (once). */
  private async respond(method: string, path: string, options: RequestOptions): Promise<Response> {
    const { auth = true, body, signal, headers, keepalive } = options;
    const request = { body, signal, headers, keepalive };
    if (!auth) return this.send(method, path, { ...request, token: null });

    let token = this.tokens.accessToken();
    if (token === null && this.tokens.refreshToken() !== null) {
      token = (await this.refresh()).access_token;
    }
    let response = await this.send(method, path, { ...request, token });
    if (response.status === 401) {
      token = (await this.refresh()).access_token;
      response = await this.send(method, path, { ...request, token });
      if (response.status === 401) {
        // A token fresh from the server was refused: this session cannot be used.
        const problem = await problemFromResponse(response);
        this.signOut(problem);
        throw problem;
      }
    }
    return response;
  }

  /**
   * Exchanges the refresh token for a new pair; concurrent callers share one exchange.
   * Throws a `ProblemError`; when the server refused the token, the session has ended.
   */
  refresh(): Promise<TokenPair> {
    this.refreshing ??= this.exchangeRefreshToken().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async exchangeRefreshToken(): Promise<TokenPair> {
    const used = this.tokens.refreshToken();
    if (used === null) {
      const problem = sessionEnded();
      this.signOut(problem);
      throw problem;
    }
    const response = await this.send("POST", REFRESH_PATH, {
      body: { refresh_token: used },
      token: null,
    });
    if (response.status === 401) {
      const problem = await problemFromResponse(response);
      // Another tab may have rotated the token while this request was in flight; its
      // newer token is in storage and is worth one more try.
      const newer = this.tokens.refreshToken();
      if (newer !== null && newer !== used) return this.exchangeRefreshToken();
      this.signOut(problem);
      throw problem;
    }
    const pair = await this.parse<TokenPair>(response);
    this.tokens.save(pair);
    this.emit({ type: "refreshed", pair });
    return pair;
  }

  private signOut(problem: ProblemError): void {
    this.tokens.clear();
    this.emit({ type: "signed-out", problem });
  }

  private emit(event: SessionEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  private async send(
    method: string,
    path: string,
    request: {
      body?: unknown;
      signal?: AbortSignal | undefined;
      headers?: Record<string, string> | undefined;
      keepalive?: boolean | undefined;
      token: string | null;
    },
  ): Promise<Response> {
    // A caller may ask for another type (`getBlob`); JSON is the default.
    const headers: Record<string, string> = { Accept: "application/json", ...request.headers };
    if (request.body !== undefined) headers["Content-Type"] = "application/json";
    if (request.token !== null) headers.Authorization = `Bearer ${request.token}`;
    try {
      return await this.fetchImpl(this.baseUrl + path, {
        method,
        headers,
        body: request.body === undefined ? null : JSON.stringify(request.body),
        signal: request.signal ?? null,
        credentials: "same-origin",
        ...(request.keepalive ? { keepalive: true } : {}),
      });
    } catch (error) {
      // An abort is the caller's own decision: let it through untouched.
      if (request.signal?.aborted) throw error;
      throw networkProblem();
    }
  }

  private async parse<T>(response: Response): Promise<T> {
    if (!response.ok) throw await problemFromResponse(response);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text === "" ? undefined : JSON.parse(text)) as T;
  }
}

/** `attachment; filename="Week-3.vtt"` → `Week-3.vtt` (the api sends plain ASCII names). */
export function filenameOf(disposition: string | null): string | null {
  const match = disposition ? /filename="?([^";]+)"?/i.exec(disposition) : null;
  return match?.[1]?.trim() || null;
}

function sessionEnded(): ProblemError {
  return new ProblemError({
    type: "invalid-refresh-token",
    title: "Signed out",
    status: 401,
    detail: "Your session has ended. Please sign in again.",
  });
}
