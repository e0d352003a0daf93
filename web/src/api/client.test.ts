import { describe, expect, it, vi } from "vitest";
import { createTokenStore } from "../auth/token-store";
import { ApiClient, LOGOUT_PATH, REFRESH_PATH, type SessionEvent, filenameOf } from "./client";
import { NETWORK_PROBLEM, ProblemError } from "./problem";
import { FakeFetch, json, networkDown, noContent, problem } from "./testing/fake-fetch";
import { anAccessGrant, aUser } from "./testing/fixtures";

function setup() {
  const fake = new FakeFetch();
  const tokens = createTokenStore();
  const client = new ApiClient({ tokens, fetch: fake.fetch });
  const events: SessionEvent[] = [];
  client.subscribe((event) => events.push(event));
  return { fake, tokens, client, events };
}

describe("ApiClient", () => {
  it("sends the access token and returns parsed JSON", async () => {
    const { fake, client } = setup();
    client.startSession(anAccessGrant(aUser(), { access_token: "access-a" }));
    fake.on("GET", "/api/v1/me", json(200, aUser()));

    const me = await client.GET("/api/v1/me");

    expect(me).toEqual(aUser());
    expect(fake.requests[0]?.headers.get("Authorization")).toBe("Bearer access-a");
  });

  it("sends JSON bodies and returns undefined for 204", async () => {
    const { fake, client } = setup();
    client.startSession(anAccessGrant());
    fake.on("DELETE", "/api/v1/courses/c1/members/u2", noContent());
    fake.on("POST", "/api/v1/courses", json(201, { id: "c1" }));

    const member = { path: { course_id: "c1", user_id: "u2" } };
    await expect(client.DELETE("/api/v1/courses/{course_id}/members/{user_id}", { params: member })).resolves.toBeUndefined();
    const optics = { title: "Optics", description: "", record_by_default: true };
    await client.POST("/api/v1/courses", { body: optics });

    const create = fake.calls("POST", "/api/v1/courses")[0];
    expect(create?.body).toEqual(optics);
    expect(create?.headers.get("Content-Type")).toBe("application/json");
  });

  it("does not send a token on unauthenticated calls", async () => {
    const { fake, client } = setup();
    client.startSession(anAccessGrant());
    fake.on("POST", "/auth/local/login", json(200, anAccessGrant()));

    await client.POST("/auth/local/login", { body: { email: "a@b.c", password: "x" }, auth: false });

    expect(fake.requests[0]?.headers.has("Authorization")).toBe(false);
  });

  it("refreshes once on 401 with the cookie (no body, no token) and retries", async () => {
    const { fake, client, events } = setup();
    client.startSession(anAccessGrant(aUser(), { access_token: "stale" }));
    const rotated = anAccessGrant(aUser(), { access_token: "fresh" });
    fake.on("GET", "/api/v1/me", problem(401, "unauthorized", "Token expired."), json(200, aUser()));
    fake.on("POST", REFRESH_PATH, json(200, rotated));

    await expect(client.GET("/api/v1/me")).resolves.toEqual(aUser());

    const refresh = fake.calls("POST", REFRESH_PATH)[0];
    expect(refresh?.body).toBeUndefined();
    expect(refresh?.headers.has("Authorization")).toBe(false);
    expect(fake.calls("GET", "/api/v1/me").map((r) => r.headers.get("Authorization"))).toEqual([
      "Bearer stale",
      "Bearer fresh",
    ]);
    expect(events).toEqual([{ type: "refreshed", grant: rotated }]);
  });

  it("refreshes before the first call of a page load (the access token was in memory only)", async () => {
    const { fake, client } = setup();
    fake.on("POST", REFRESH_PATH, json(200, anAccessGrant(aUser(), { access_token: "fresh" })));
    fake.on("GET", "/api/v1/me", json(200, aUser()));

    await client.GET("/api/v1/me");

    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST ${REFRESH_PATH}`,
      "GET /api/v1/me",
    ]);
    expect(fake.requests[1]?.headers.get("Authorization")).toBe("Bearer fresh");
  });

  it("shares one refresh between concurrent 401s", async () => {
    const { fake, client } = setup();
    client.startSession(anAccessGrant(aUser(), { access_token: "stale" }));
    fake.on("GET", "/api/v1/courses", (request) =>
      request.headers.get("Authorization") === "Bearer fresh"
        ? json(200, { items: [], next_cursor: null })(request)
        : problem(401, "unauthorized", "Token expired.")(request),
    );
    fake.on("POST", REFRESH_PATH, json(200, anAccessGrant(aUser(), { access_token: "fresh" })));

    await Promise.all([
      client.GET("/api/v1/courses"),
      client.GET("/api/v1/courses"),
      client.GET("/api/v1/courses"),
    ]);

    expect(fake.calls("POST", REFRESH_PATH)).toHaveLength(1);
  });

  it("signs out when the refresh is refused", async () => {
    const { fake, client, tokens, events } = setup();
    client.startSession(anAccessGrant(aUser(), { access_token: "stale" }));
    fake.on("GET", "/api/v1/me", problem(401, "unauthorized", "Token expired."));
    fake.on("POST", REFRESH_PATH, problem(401, "invalid-refresh-token", "Please sign in again."));

    const error = await client.GET("/api/v1/me").catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProblemError);
    expect((error as ProblemError).type).toBe("invalid-refresh-token");
    expect(tokens.accessToken()).toBeNull();
    expect(events.map((event) => event.type)).toEqual(["signed-out"]);
    expect(fake.calls("GET", "/api/v1/me")).toHaveLength(1);
  });

  it("does not retry more than once when the fresh token is refused too", async () => {
    const { fake, client, events } = setup();
    client.startSession(anAccessGrant());
    fake.on("GET", "/api/v1/me", problem(401, "unauthorized", "No."));
    fake.on("POST", REFRESH_PATH, json(200, anAccessGrant()));

    await expect(client.GET("/api/v1/me")).rejects.toBeInstanceOf(ProblemError);
    expect(fake.calls("GET", "/api/v1/me")).toHaveLength(2);
    expect(events.map((event) => event.type)).toEqual(["refreshed", "signed-out"]);
  });

  it("keeps the session when the refresh fails for lack of network", async () => {
    const { fake, client, events } = setup();
    client.startSession(anAccessGrant(aUser(), { access_token: "stale" }));
    fake.on("GET", "/api/v1/me", problem(401, "unauthorized", "Token expired."));
    fake.on("POST", REFRESH_PATH, networkDown());

    const error = await client.GET("/api/v1/me").catch((e: unknown) => e);

    expect((error as ProblemError).type).toBe(NETWORK_PROBLEM);
    expect(events).toEqual([]);
  });

  it("turns problem documents into ProblemErrors carrying Retry-After", async () => {
    const { fake, client } = setup();
    fake.on(
      "POST",
      "/auth/local/login",
      problem(429, "too-many-attempts", "Account locked for 5 minutes.", {}, { "Retry-After": "300" }),
    );

    const error = (await client
      .POST("/auth/local/login", { body: { email: "a@b.c", password: "x" }, auth: false })
      .catch((e: unknown) => e)) as ProblemError;

    expect(error.type).toBe("too-many-attempts");
    expect(error.status).toBe(429);
    expect(error.message).toBe("Account locked for 5 minutes.");
    expect(error.retryAfterSeconds).toBe(300);
  });

  it("lets an abort through as an abort", async () => {
    const { fake, client } = setup();
    client.startSession(anAccessGrant());
    fake.on("GET", "/api/v1/me", json(200, aUser()));
    const controller = new AbortController();
    controller.abort();

    const error = await client.GET("/api/v1/me", { signal: controller.signal }).catch((e: unknown) => e);

    expect(error).not.toBeInstanceOf(ProblemError);
    expect((error as Error).name).toBe("AbortError");
  });

  it("hands out a current access token for the live socket, refreshing when needed", async () => {
    const { fake, client } = setup();
    fake.on("POST", REFRESH_PATH, problem(401, "invalid-refresh-token", "No cookie."), json(200, anAccessGrant(aUser(), { access_token: "fresh" })));
    expect(await client.currentAccessToken()).toBeNull();

    expect(await client.currentAccessToken()).toBe("fresh");
    expect(await client.currentAccessToken()).toBe("fresh");
    expect(fake.calls("POST", REFRESH_PATH)).toHaveLength(2);
  });

  it("logs out: forgets the access token and asks the server to revoke the cookie", async () => {
    const { fake, client, tokens } = setup();
    client.startSession(anAccessGrant(aUser(), { access_token: "access-a" }));
    fake.on("POST", LOGOUT_PATH, noContent(), networkDown());

    await client.logout();
    expect(tokens.accessToken()).toBeNull();
    const logout = fake.calls("POST", LOGOUT_PATH)[0];
    expect(logout?.headers.has("Authorization")).toBe(false);
    expect(logout?.body).toBeUndefined();
    await expect(client.logout()).resolves.toBeUndefined(); // offline: signed out all the same
  });

  it("serializes refreshes across tabs with a Web Lock", async () => {
    const requested: string[] = [];
    vi.stubGlobal("navigator", {
      locks: {
        request: async (name: string, work: () => Promise<unknown>) => {
          requested.push(name);
          return work();
        },
      },
    });
    try {
      const { fake, client } = setup();
      fake.on("POST", REFRESH_PATH, json(200, anAccessGrant(aUser(), { access_token: "fresh" })));
      expect(await client.currentAccessToken()).toBe("fresh");
      expect(requested).toEqual(["multistream.refresh"]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("sends extra headers, on the retry after a refresh too", async () => {
    const { fake, client } = setup();
    client.startSession(anAccessGrant(aUser(), { access_token: "stale" }));
    fake.on("POST", "/api/v1/courses/c1/sessions", problem(401, "unauthorized", "Expired."), json(201, { id: "s1" }));
    fake.on("POST", REFRESH_PATH, json(200, anAccessGrant()));

    await client.POST("/api/v1/courses/{course_id}/sessions", {
      params: { path: { course_id: "c1" } },
      body: { title: "Week 3", description: "", scheduled_start: "2026-11-25T10:00:00Z", scheduled_end: "2026-11-25T11:00:00Z" },
      headers: { "Idempotency-Key": "k-1" },
    });

    const sent = fake.calls("POST", "/api/v1/courses/c1/sessions").map((r) => r.headers.get("Idempotency-Key"));
    expect(sent).toEqual(["k-1", "k-1"]);
  });

  it("reads a file with the token, refreshing on 401, and names it from Content-Disposition", async () => {
    const { fake, client } = setup();
    client.startSession(anAccessGrant(aUser(), { access_token: "stale" }));
    fake.on("POST", REFRESH_PATH, json(200, anAccessGrant(aUser(), { access_token: "fresh" })));
    fake.on(
      "GET",
      "/api/v1/sessions/s1/replay/transcript.txt",
      problem(401, "unauthorized", "Expired."),
      () =>
        new Response("[0:00:03] Light reactions\n", {
          status: 200,
          headers: { "Content-Type": "text/plain", "Content-Disposition": 'attachment; filename="Week-3.txt"' },
        }),
    );

    const file = await client.getBlob("/api/v1/sessions/{session_id}/replay/transcript.txt", { params: { path: { session_id: "s1" } } });

    expect(await file.blob.text()).toBe("[0:00:03] Light reactions\n");
    expect(file.filename).toBe("Week-3.txt");
    const sent = fake.calls("GET", "/api/v1/sessions/s1/replay/transcript.txt");
    expect(sent.map((request) => request.headers.get("Authorization"))).toEqual(["Bearer stale", "Bearer fresh"]);
    expect(sent[0]?.headers.get("Accept")).toBe("*/*");
  });

  it("turns a failed file read into a ProblemError", async () => {
    const { fake, client } = setup();
    client.startSession(anAccessGrant());
    fake.on("GET", "/api/v1/sessions/s1/replay/captions.vtt", problem(409, "replay-not-ready", "Not yet."));

    await expect(client.getBlob("/api/v1/sessions/{session_id}/replay/captions.vtt", { params: { path: { session_id: "s1" } } })).rejects.toMatchObject({
      type: "replay-not-ready",
    });
  });

  it("lets a request outlive the page when asked (keepalive) and sends PUT bodies", async () => {
    const inits: RequestInit[] = [];
    const client = new ApiClient({
      tokens: createTokenStore(),
      fetch: async (_input, init) => {
        inits.push(init ?? {});
        return new Response(null, { status: 204 });
      },
    });
    client.startSession(anAccessGrant());

    const position = { path: { session_id: "s1" } };
    await client.PUT("/api/v1/sessions/{session_id}/replay/position", { params: position, body: { position_ms: 1000 }, keepalive: true });
    await client.PUT("/api/v1/sessions/{session_id}/replay/position", { params: position, body: { position_ms: 2000 } });

    expect(inits.map((init) => [init.method, init.keepalive, init.body])).toEqual([
      ["PUT", true, '{"position_ms":1000}'],
      ["PUT", undefined, '{"position_ms":2000}'],
    ]);
  });
});

describe("filenameOf", () => {
  it("reads the quoted or bare file name, or nothing", () => {
    expect(filenameOf('attachment; filename="Week-3.vtt"')).toBe("Week-3.vtt");
    expect(filenameOf("attachment; filename=notes.txt")).toBe("notes.txt");
    expect(filenameOf("attachment")).toBeNull();
    expect(filenameOf(null)).toBeNull();
  });
});
