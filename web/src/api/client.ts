/**
 * The one way the app talks to the api.
 *
 * - Calls are typed from the api's OpenAPI document: `api.GET("/api/v1/courses/{course_id}",
 *   { params: { path: { course_id } } })` checks the path, its parameters and the body
 *   against `schema.d.ts`, and resolves to the response's type. openapi-fetch builds each
 *   request (path and query serialisation, JSON bodies) and reads each response; this
 *   class is its `fetch`, which adds everything below.
 * - Every call returns the parsed body or throws a `ProblemError` (see `problem.ts`).
 * - `/api/v1` calls carry the access token, which lives in memory only. A missing or
 *   expired one is refreshed first; a 401 is answered by one refresh and one retry.
 * - The refresh token is an HttpOnly cookie this code never sees: `/auth/local/refresh`
 *   reads it and sets its successor. Refreshes are single-flight in a tab, and
 *   serialized across tabs (a Web Lock), because the server rotates the cookie and a
 *   second use of the old one revokes the whole sign-in.
 * - When the server refuses the refresh the session is over: the access token is
 *   cleared and subscribers hear `signed-out`, which sends the user to sign-in.
 * - A 503 with a short `Retry-After` (≤ 5 s: `overloaded`, the api is saturated;
 *   `database-unavailable`) started nothing, so a request that may be sent twice is sent
 *   again: GET, PUT and DELETE, and a POST that carries an `Idempotency-Key`. It waits what
 *   `Retry-After` says plus a random share of an exponential backoff (so a class of
 *   students does not come back all at once), up to `retries` times; then the 503 is
 *   thrown as usual. A longer `Retry-After` (the object store, 10–30 s) is the person's to
 *   wait for: it is thrown at once, and the page says when to try again.
 */
import createClient, { type FetchResponse, type MaybeOptionalInit, defaultPathSerializer } from "openapi-fetch";
import { ProblemError, networkProblem, parseRetryAfter, problemFromResponse } from "./problem";
import type { paths } from "./schema";
import type { AccessGrant } from "./types";

/** Where the access token is kept (in memory: `auth/token-store.ts`). */
export interface SessionTokens {
  /** The access token, or null when there is none or it is about to expire. */
  accessToken(): string | null;
  save(grant: AccessGrant): void;
  clear(): void;
}

/**
 * How a new access token is obtained when the one in memory is missing or refused.
 * The default asks `/auth/local/refresh` (the cookie); Clerk's SDK is another source.
 * Throws a `ProblemError`; a 401 means the session is over.
 */
export type RenewAccess = (client: ApiClient) => Promise<AccessGrant>;

export type SessionEvent =
  | { type: "refreshed"; grant: AccessGrant }
  | { type: "signed-out"; problem: ProblemError };

export interface ApiClientOptions {
  tokens: SessionTokens;
  /** Defaults to the local provider's cookie refresh (`refreshWithCookie`). */
  renew?: RenewAccess;
  fetch?: typeof fetch;
  /** Prefix for every path; empty in the browser, where the api is the same origin. */
  baseUrl?: string;
  /** How often a 503 with `Retry-After` is retried (default 3; see `retryDelayMs`). */
  retries?: number;
  /** Waits between retries (tests pass one that does not really wait). */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1): the jitter (tests pass a fixed one). */
  random?: () => number;
}

/** Methods whose repetition changes nothing more than the first request did. */
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);
const BACKOFF_BASE_MS = 250;
/** A 503 asking for a longer wait than this is not retried behind the person's back. */
export const MAX_AUTOMATIC_RETRY_AFTER_SECONDS = 5;
const BACKOFF_CAP_MS = 4000;

/**
 * The wait before retry `attempt` (0 for the first) of a 503: the server's `Retry-After`,
 * plus a random share ("full jitter") of an exponential backoff capped at 4 s.
 */
export function retryDelayMs(retryAfterSeconds: number, attempt: number, random: () => number): number {
  const backoff = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return retryAfterSeconds * 1000 + Math.floor(random() * backoff);
}

/** Whether a 503 of this request may be answered by sending it again. */
export function retriesOverload(method: string, headers: Headers): boolean {
  return IDEMPOTENT_METHODS.has(method.toUpperCase()) || headers.has("Idempotency-Key");
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

type Method = "get" | "put" | "post" | "delete" | "patch";
/** The api's paths that answer `method`. */
export type ApiPath<M extends Method> = {
  [P in keyof paths]: paths[P] extends { [K in M]: object } ? P : never;
}[keyof paths];
type Init<M extends Method, P extends ApiPath<M>> = MaybeOptionalInit<paths[P], M>;
type RequiredKeysOf<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/**
 * Besides the operation's own `params` and `body`: `signal`, `headers` (an
 * `Idempotency-Key`), `keepalive` (let the request outlive the page: a replay's place
 * saved as the tab closes), and `auth: false` for calls that must not send the token
 * (signing in).
 */
export interface CallOptions {
  auth?: boolean;
}
/** The call's options: optional when the operation needs no parameters or body. */
type Args<I> = [RequiredKeysOf<I>] extends [never] ? [(I & CallOptions)?] : [I & CallOptions];
/** What a call resolves to: the operation's success body (undefined for 204). */
export type ApiData<M extends Method, P extends ApiPath<M>, I> = NonNullable<
  FetchResponse<paths[P][M] & Record<string | number, unknown>, I, `${string}/${string}`>["data"]
>;

type LooseInit = CallOptions & Record<string, unknown> & { headers?: Record<string, string> };
type LooseClient = {
  request(method: string, path: string, init: Record<string, unknown>): Promise<{ data?: unknown; response: Response }>;
};

/**
 * openapi-fetch builds a `Request`, which needs an absolute URL outside a browser; only
 * its path and query are sent (after `baseUrl`), so this origin never leaves the client.
 */
const REQUEST_ORIGIN = "http://api.invalid";

/** A file the api sent (captions, a transcript download), with the name it suggested. */
export interface DownloadedFile {
  blob: Blob;
  /** From `Content-Disposition`, when the api named the file. */
  filename: string | null;
}

export const REFRESH_PATH = "/auth/local/refresh";
export const LOGOUT_PATH = "/auth/local/logout";
/** The Web Lock that serializes cookie refreshes across this origin's tabs. */
export const REFRESH_LOCK = "multistream.refresh";

/** The local provider's renewal: the browser sends the HttpOnly cookie, one tab at a time. */
export const refreshWithCookie: RenewAccess = (client) =>
  withLock(REFRESH_LOCK, () => client.POST(REFRESH_PATH, { auth: false }));

async function withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === "undefined" ? undefined : navigator.locks;
  return locks === undefined ? work() : await locks.request(name, work);
}

/** A request as `respond` sends it: openapi-fetch has serialised the body already. */
interface Outgoing {
  auth?: boolean;
  body?: string | undefined;
  headers?: HeadersInit | undefined;
  signal?: AbortSignal | undefined;
  keepalive?: boolean | undefined;
}

export class ApiClient {
  private readonly tokens: SessionTokens;
  private readonly fetchImpl: typeof fetch;
  private readonly baseUrl: string;
  private readonly listeners = new Set<(event: SessionEvent) => void>();
  private readonly renew: RenewAccess;
  private refreshing: Promise<AccessGrant> | null = null;
  private readonly http: LooseClient;
  private readonly retries: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: ApiClientOptions) {
    this.retries = options.retries ?? 3;
    this.sleep = options.sleep ?? wait;
    this.random = options.random ?? Math.random;
    this.tokens = options.tokens;
    this.renew = options.renew ?? refreshWithCookie;
    // Bound so a bare `fetch` reference never loses its `window` receiver.
    const fetchImpl = options.fetch ?? globalThis.fetch;
    this.fetchImpl = (input, init) => fetchImpl(input, init);
    this.baseUrl = options.baseUrl ?? "";
    // Typed at the methods below; inside, one loose signature serves them all.
    this.http = createClient<paths>({ baseUrl: REQUEST_ORIGIN }) as unknown as LooseClient;
  }

  subscribe(listener: (event: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Starts a session from a sign-in or sign-up response. */
  startSession(grant: AccessGrant): void {
    this.tokens.save(grant);
  }

  /** Forgets the access token (another tab signed out, or this one after `logout`). */
  endSession(): void {
    this.tokens.clear();
  }

  /**
   * Signs out: forgets the access token and asks the server to revoke the sign-in and
   * clear its cookie. Never throws: offline, the tab is signed out all the same.
   */
  async logout(): Promise<void> {
    this.tokens.clear();
    try {
      await this.POST(LOGOUT_PATH, { auth: false });
    } catch {
      // The cookie outlives this tab's session only until it expires or is used.
    }
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
    try {
      return (await this.refresh()).access_token;
    } catch (error) {
      if (error instanceof ProblemError && error.status === 401) return null;
      throw error;
    }
  }

  GET<P extends ApiPath<"get">, I extends Init<"get", P>>(path: P, ...init: Args<I>): Promise<ApiData<"get", P, I>> {
    return this.call("GET", path, init[0]);
  }

  POST<P extends ApiPath<"post">, I extends Init<"post", P>>(path: P, ...init: Args<I>): Promise<ApiData<"post", P, I>> {
    return this.call("POST", path, init[0]);
  }

  PUT<P extends ApiPath<"put">, I extends Init<"put", P>>(path: P, ...init: Args<I>): Promise<ApiData<"put", P, I>> {
    return this.call("PUT", path, init[0]);
  }

  PATCH<P extends ApiPath<"patch">, I extends Init<"patch", P>>(path: P, ...init: Args<I>): Promise<ApiData<"patch", P, I>> {
    return this.call("PATCH", path, init[0]);
  }

  DELETE<P extends ApiPath<"delete">, I extends Init<"delete", P>>(path: P, ...init: Args<I>): Promise<ApiData<"delete", P, I>> {
    return this.call("DELETE", path, init[0]);
  }

  /**
   * A non-JSON body (WebVTT captions, a text download) as a Blob, with the same token
   * handling as every other call: `<track>` and download links cannot send the token,
   * so the app fetches the file and hands the browser a `blob:` URL.
   */
  async getBlob<P extends ApiPath<"get">, I extends Init<"get", P>>(path: P, ...init: Args<I>): Promise<DownloadedFile> {
    const options = (init[0] ?? {}) as LooseInit;
    const { data, response } = await this.dispatch("GET", path, {
      ...options,
      parseAs: "blob",
      headers: { Accept: "*/*", ...options.headers },
    });
    return { blob: data as Blob, filename: filenameOf(response.headers.get("Content-Disposition")) };
  }

  private async call<T>(method: string, path: string, init: object | undefined): Promise<T> {
    return (await this.dispatch(method, path, (init ?? {}) as LooseInit)).data as T;
  }

  /** One call through openapi-fetch, with this client as its `fetch`. */
  private dispatch(method: string, path: string, init: LooseInit): Promise<{ data?: unknown; response: Response }> {
    const { auth = true, ...options } = init;
    return this.http.request(method, path, { ...options, fetch: (request: Request) => this.transport(request, auth) });
  }

  /** Sends what openapi-fetch built through `respond`; a failure is thrown as a `ProblemError`. */
  private async transport(request: Request, auth: boolean): Promise<Response> {
    const url = new URL(request.url);
    const response = await this.respond(request.method, url.pathname + url.search, {
      auth,
      body: request.body === null ? undefined : await request.text(),
      headers: request.headers,
      signal: request.signal,
      keepalive: request.keepalive,
    });
    if (!response.ok) throw await problemFromResponse(response);
    return response;
  }

  /** Sends a request, with the token, refreshing it first or after a 401 (once). */
  private async respond(method: string, path: string, options: Outgoing): Promise<Response> {
    const { auth = true, body, signal, headers, keepalive } = options;
    const request = { body, signal, headers, keepalive };
    if (!auth) return this.send(method, path, { ...request, token: null });

    let token = this.tokens.accessToken();
    if (token === null) token = (await this.refresh()).access_token;
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
   * A new access token (the cookie rotates); concurrent callers share one exchange.
   * Throws a `ProblemError`; when the server refused the refresh, the session has ended.
   */
  refresh(): Promise<AccessGrant> {
    this.refreshing ??= this.renewAccess().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async renewAccess(): Promise<AccessGrant> {
    let grant: AccessGrant;
    try {
      grant = await this.renew(this);
    } catch (error) {
      if (error instanceof ProblemError && error.status === 401) this.signOut(error);
      throw error;
    }
    this.tokens.save(grant);
    this.emit({ type: "refreshed", grant });
    return grant;
  }

  private signOut(problem: ProblemError): void {
    this.tokens.clear();
    this.emit({ type: "signed-out", problem });
  }

  private emit(event: SessionEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  /** `attempt`, sent again after a 503 with `Retry-After` while that is safe (see above). */
  private async send(method: string, path: string, request: Outgoing & { token: string | null }): Promise<Response> {
    const retryable = retriesOverload(method, new Headers(request.headers));
    for (let attempt = 0; ; attempt++) {
      const response = await this.attempt(method, path, request);
      const retryAfter = parseRetryAfter(response.headers.get("Retry-After"));
      const automatic = retryAfter !== null && retryAfter <= MAX_AUTOMATIC_RETRY_AFTER_SECONDS;
      if (response.status !== 503 || retryAfter === null || !automatic || !retryable || attempt >= this.retries) {
        return response;
      }
      if (request.signal?.aborted) return response;
      await this.sleep(retryDelayMs(retryAfter, attempt, this.random));
      if (request.signal?.aborted) return response;
    }
  }

  private async attempt(method: string, path: string, request: Outgoing & { token: string | null }): Promise<Response> {
    const headers = new Headers(request.headers);
    // A caller may ask for another type (`getBlob`); JSON is the default.
    if (!headers.has("Accept")) headers.set("Accept", "application/json");
    if (request.body !== undefined) headers.set("Content-Type", "application/json");
    if (request.token !== null) headers.set("Authorization", `Bearer ${request.token}`);
    try {
      return await this.fetchImpl(this.baseUrl + path, {
        method,
        headers,
        body: request.body ?? null,
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

}

type PathParams<M extends Method, P extends ApiPath<M>> = paths[P][M] extends { parameters: { path: infer Params } }
  ? Params
  : never;

/**
 * An api path with its parameters filled in, for a request that cannot go through the
 * client (an upload that reports progress, which needs XMLHttpRequest).
 */
export function apiUrl<M extends Method, P extends ApiPath<M>>(_method: M, path: P, params: PathParams<M, P>): string {
  return defaultPathSerializer(path, params as Record<string, unknown>);
}

/** `attachment; filename="Week-3.vtt"` → `Week-3.vtt` (the api sends plain ASCII names). */
export function filenameOf(disposition: string | null): string | null {
  const match = disposition ? /filename="?([^";]+)"?/i.exec(disposition) : null;
  return match?.[1]?.trim() || null;
}
