import { describe, expect, it } from "vitest";
import { ApiClient } from "../../../api/client";
import { FakeFetch, json } from "../../../api/testing/fake-fetch";
import { anAccessGrant } from "../../../api/testing/fixtures";
import { createTokenStore } from "../../../auth/token-store";
import { FakeUploadRequests } from "../testing/fake-upload-request";
import { aDeck } from "../testing/fixtures";
import { uploadAsset } from "./upload-asset";

function signedInClient() {
  const fake = new FakeFetch().on("POST", "/auth/local/refresh", json(200, anAccessGrant()));
  return { api: new ApiClient({ tokens: createTokenStore(), fetch: fake.fetch }), fake };
}

const deck = new File(["%PDF-1.4 five pages"], "light.pdf", { type: "application/pdf" });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("uploadAsset", () => {
  it("sends the file with the token and an idempotency key, reporting progress", async () => {
    const { api } = signedInClient();
    const requests = new FakeUploadRequests();
    const progress: number[] = [];
    const upload = uploadAsset(api, "c1", deck, {
      kind: "slide_deck",
      idempotencyKey: "key-1",
      onProgress: (fraction) => progress.push(fraction),
      newRequest: requests.create,
    });
    await settle();
    const request = requests.last;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/api/v1/courses/c1/assets");
    expect(request.headers.Authorization).toMatch(/^Bearer access-/);
    expect(request.headers["Idempotency-Key"]).toBe("key-1");
    expect(request.file?.name).toBe("light.pdf");
    expect(request.body?.get("kind")).toBe("slide_deck");

    request.progress(512, 1024);
    request.progress(1024, 1024);
    const processing = aDeck(5, { status: "processing", pages_rendered: 0, pages: [] });
    request.respond(201, processing);
    expect(await upload).toEqual(processing);
    expect(progress).toEqual([0.5, 1]);
  });

  it("throws the server's problem, e.g. a type it does not take", async () => {
    const { api } = signedInClient();
    const requests = new FakeUploadRequests();
    const upload = uploadAsset(api, "c1", deck, { newRequest: requests.create });
    await settle();
    requests.last.respond(415, {
      type: "unsupported-media-type",
      title: "Unsupported media type",
      status: 415,
      detail: "This file is not a PDF, PNG, JPEG, WebP or GIF.",
    });
    await expect(upload).rejects.toMatchObject({
      type: "unsupported-media-type",
      status: 415,
      message: "This file is not a PDF, PNG, JPEG, WebP or GIF.",
    });
  });

  it("refreshes once and sends again after a 401", async () => {
    const { api, fake } = signedInClient();
    const requests = new FakeUploadRequests();
    const upload = uploadAsset(api, "c1", deck, { newRequest: requests.create });
    await settle();
    requests.last.respond(401, { type: "invalid-token", title: "Unauthorized", status: 401 });
    await settle();
    await settle();
    expect(requests.all).toHaveLength(2);
    requests.last.respond(201, aDeck());
    expect((await upload).id).toBe(aDeck().id);
    expect(fake.calls("POST", "/auth/local/refresh")).toHaveLength(2);
  });

  it("says the connection failed, and can be canceled", async () => {
    const { api } = signedInClient();
    const requests = new FakeUploadRequests();
    const lost = uploadAsset(api, "c1", deck, { newRequest: requests.create });
    await settle();
    requests.last.failNetwork();
    await expect(lost).rejects.toMatchObject({ type: "network" });

    const controller = new AbortController();
    const canceled = uploadAsset(api, "c1", deck, { newRequest: requests.create, signal: controller.signal });
    await settle();
    controller.abort();
    await expect(canceled).rejects.toMatchObject({ name: "AbortError" });
    expect(requests.last.aborted).toBe(true);
  });
});
