/**
 * A fake `fetch` for unit and component tests: routes by method and path, records every
 * request, and answers with canned responses. Only tests import this module.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Headers;
  body: unknown;
}

export type Responder = (request: RecordedRequest) => Response | Promise<Response>;

interface Route {
  method: string;
  path: string | RegExp;
  responders: Responder[];
}

export class FakeFetch {
  readonly requests: RecordedRequest[] = [];
  private readonly routes: Route[] = [];

  /**
   * Answers `method path` with the given responders in order; the last one repeats.
   * A later `on` for the same route replaces the earlier one.
   */
  on(method: string, path: string | RegExp, ...responders: Responder[]): this {
    const existing = this.routes.findIndex(
      (route) => route.method === method && String(route.path) === String(path),
    );
    if (existing >= 0) this.routes.splice(existing, 1);
    this.routes.push({ method, path, responders });
    return this;
  }

  /** Requests made to a route, e.g. `calls("POST", "/auth/local/refresh")`. */
  calls(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.method === method && request.path === path);
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === "string" ? input : input.toString(), "http://fake.test");
    const method = (init?.method ?? "GET").toUpperCase();
    const headers = new Headers(init?.headers);
    const rawBody = init?.body;
    const request: RecordedRequest = {
      method,
      path: url.pathname + url.search,
      headers,
      body: typeof rawBody === "string" ? JSON.parse(rawBody) : undefined,
    };
    this.requests.push(request);
    if (init?.signal?.aborted) throw new DOMException("The operation was aborted.", "AbortError");

    const route = this.routes.find(
      (candidate) =>
        candidate.method === method &&
        (typeof candidate.path === "string"
          ? candidate.path === url.pathname || candidate.path === request.path
          : candidate.path.test(request.path)),
    );
    if (route === undefined) {
      return problemResponse(501, "fake-fetch-unrouted", `FakeFetch has no route for ${method} ${request.path}`);
    }
    const responder = route.responders.length > 1 ? route.responders.shift() : route.responders[0];
    if (responder === undefined) throw new Error(`FakeFetch route ${method} ${String(route.path)} has no responder`);
    return responder(request);
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Responder {
  return () =>
    new Response(status === 204 ? null : JSON.stringify(body), {
      status,
      headers: { "Content-Type": "application/json", ...headers },
    });
}

export function problem(
  status: number,
  type: string,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Responder {
  return () => problemResponse(status, type, detail, extra, headers);
}

export function noContent(): Responder {
  return () => new Response(null, { status: 204 });
}

/** A responder that fails like a dropped connection does. */
export function networkDown(): Responder {
  return () => {
    throw new TypeError("Failed to fetch");
  };
}

function problemResponse(
  status: number,
  type: string,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ type, title: type, status, detail, ...extra }), {
    status,
    headers: { "Content-Type": "application/problem+json", ...headers },
  });
}
