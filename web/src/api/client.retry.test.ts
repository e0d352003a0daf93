import { describe, expect, it } from "vitest";
import { createTokenStore } from "../auth/token-store";
import { ApiClient, retriesOverload, retryDelayMs } from "./client";
import { ProblemError } from "./problem";
import { FakeFetch, json, problem } from "./testing/fake-fetch";
import { anAccessGrant } from "./testing/fixtures";

const VOTE = "/api/v1/sessions/{session_id}/polls/{poll_id}/vote";
const VOTE_PATH = "/api/v1/sessions/s1/polls/p1/vote";
const CHAT = "/api/v1/sessions/{session_id}/chat";
const CHAT_PATH = "/api/v1/sessions/s1/chat";
const overloaded = (seconds = "1") =>
  problem(503, "overloaded", "The server is busy right now.", {}, { "Retry-After": seconds });

function setup(retries?: number) {
  const fake = new FakeFetch();
  const waits: number[] = [];
  const client = new ApiClient({
    tokens: createTokenStore(),
    fetch: fake.fetch,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    ...(retries === undefined ? {} : { retries }),
  });
  client.startSession(anAccessGrant());
  return { fake, client, waits };
}

const ballot = { params: { path: { session_id: "s1", poll_id: "p1" } }, body: { option_ids: ["o1"] } };

describe("ApiClient and an overloaded api (503 with Retry-After)", () => {
  it("sends a vote (PUT) again after Retry-After plus jitter, until it is accepted", async () => {
    const { fake, client, waits } = setup();
    fake.on("PUT", VOTE_PATH, overloaded("1"), overloaded("2"), json(200, { id: "p1" }));

    await expect(client.PUT(VOTE, ballot)).resolves.toEqual({ id: "p1" });

    expect(fake.calls("PUT", VOTE_PATH)).toHaveLength(3);
    // 1 s + half of 250 ms, then 2 s + half of 500 ms.
    expect(waits).toEqual([1125, 2250]);
  });

  it("sends a POST again only when it carries an Idempotency-Key, with the same key", async () => {
    const keyed = setup();
    keyed.fake.on("POST", CHAT_PATH, overloaded(), json(201, { id: "m1" }));
    const message = { params: { path: { session_id: "s1" } }, body: { body: "Hello" } };

    await keyed.client.POST(CHAT, { ...message, headers: { "Idempotency-Key": "k-1" } });

    const sent = keyed.fake.calls("POST", CHAT_PATH).map((r) => r.headers.get("Idempotency-Key"));
    expect(sent).toEqual(["k-1", "k-1"]);

    const bare = setup();
    bare.fake.on("POST", CHAT_PATH, overloaded(), json(201, { id: "m1" }));
    const error = await bare.client.POST(CHAT, message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemError);
    expect((error as ProblemError).type).toBe("overloaded");
    expect(bare.fake.calls("POST", CHAT_PATH)).toHaveLength(1);
    expect(bare.waits).toEqual([]);
  });

  it("gives up after `retries` and throws the 503 with its Retry-After", async () => {
    const { fake, client, waits } = setup(2);
    fake.on("PUT", VOTE_PATH, overloaded("2"));

    const error = await client.PUT(VOTE, ballot).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProblemError);
    expect((error as ProblemError).status).toBe(503);
    expect((error as ProblemError).retryAfterSeconds).toBe(2);
    expect(fake.calls("PUT", VOTE_PATH)).toHaveLength(3);
    expect(waits).toHaveLength(2);
  });

  it("does not retry a 503 without Retry-After, nor other errors", async () => {
    const { fake, client } = setup();
    fake.on("PUT", VOTE_PATH, problem(503, "storage-unavailable", "Down."), json(200, {}));

    await expect(client.PUT(VOTE, ballot)).rejects.toBeInstanceOf(ProblemError);
    expect(fake.calls("PUT", VOTE_PATH)).toHaveLength(1);
  });

  it("leaves a long Retry-After (the object store's 10 s) to the person", async () => {
    const { fake, client, waits } = setup();
    const slow = problem(503, "storage-unavailable", "Down.", {}, { "Retry-After": "10" });
    fake.on("PUT", VOTE_PATH, slow, json(200, {}));

    const error = await client.PUT(VOTE, ballot).catch((e: unknown) => e);

    expect((error as ProblemError).retryAfterSeconds).toBe(10);
    expect(fake.calls("PUT", VOTE_PATH)).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("spreads the waits: exponential, capped, never shorter than Retry-After", () => {
    expect(retryDelayMs(1, 0, () => 0)).toBe(1000);
    expect(retryDelayMs(1, 0, () => 0.999)).toBe(1249);
    expect(retryDelayMs(0, 3, () => 0.999)).toBe(1998);
    expect(retryDelayMs(0, 10, () => 0.999)).toBe(3996);
    expect(retriesOverload("GET", new Headers())).toBe(true);
    expect(retriesOverload("POST", new Headers())).toBe(false);
    expect(retriesOverload("POST", new Headers({ "Idempotency-Key": "k" }))).toBe(true);
  });
});
