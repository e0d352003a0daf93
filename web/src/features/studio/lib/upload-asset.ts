/**
 * Uploads a file to a course's assets with XMLHttpRequest, because `fetch` cannot report
 * upload progress. It follows the api client's rules: the bearer token (refreshed once
 * on a 401), an `Idempotency-Key` (a retried upload of the same file is the same upload),
 * and every failure as a `ProblemError`.
 */
import type { ApiClient } from "../../../api/client";
import { IDEMPOTENCY_HEADER } from "../../../api/idempotency";
import { ProblemError, networkProblem, problemFromResponse } from "../../../api/problem";
import type { Asset } from "../../../api/types";
import { assetsPath } from "./studio-api";

/** The part of XMLHttpRequest an upload uses (tests pass a fake). */
export interface UploadRequest {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(body: FormData): void;
  abort(): void;
  readonly status: number;
  readonly responseText: string;
  getResponseHeader(name: string): string | null;
  readonly upload: { onprogress: ((event: ProgressEvent) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}

export interface UploadOptions {
  kind?: "slide_deck" | "image";
  idempotencyKey?: string;
  /** Called with the fraction sent so far, 0..1. */
  onProgress?(fraction: number): void;
  signal?: AbortSignal;
  newRequest?: () => UploadRequest;
}

export async function uploadAsset(api: ApiClient, courseId: string, file: File, options: UploadOptions = {}): Promise<Asset> {
  const first = await send(courseId, file, options, await api.currentAccessToken());
  if (first.status !== 401) return settle(first);
  // An access token that expired on the way: one refresh, one more try.
  const pair = await api.refresh();
  return settle(await send(courseId, file, options, pair.access_token));
}

interface Answer {
  status: number;
  body: string;
  contentType: string | null;
  retryAfter: string | null;
}

function send(courseId: string, file: File, options: UploadOptions, token: string | null): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = options.newRequest?.() ?? (new XMLHttpRequest() as UploadRequest);
    const { signal } = options;
    if (signal?.aborted) {
      reject(new DOMException("The upload was canceled.", "AbortError"));
      return;
    }
    const onAbort = () => request.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    request.open("POST", assetsPath(courseId));
    request.setRequestHeader("Accept", "application/json");
    if (token !== null) request.setRequestHeader("Authorization", `Bearer ${token}`);
    if (options.idempotencyKey) request.setRequestHeader(IDEMPOTENCY_HEADER, options.idempotencyKey);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) options.onProgress?.(Math.min(1, event.loaded / event.total));
    };
    request.onload = () => {
      signal?.removeEventListener("abort", onAbort);
      resolve({
        status: request.status,
        body: request.responseText,
        contentType: request.getResponseHeader("Content-Type"),
        retryAfter: request.getResponseHeader("Retry-After"),
      });
    };
    request.onerror = () => {
      signal?.removeEventListener("abort", onAbort);
      reject(networkProblem());
    };
    request.onabort = () => {
      signal?.removeEventListener("abort", onAbort);
      reject(new DOMException("The upload was canceled.", "AbortError"));
    };
    const form = new FormData();
    form.append("file", file, file.name);
    if (options.kind) form.append("kind", options.kind);
    request.send(form);
  });
}

async function settle(answer: Answer): Promise<Asset> {
  if (answer.status >= 200 && answer.status < 300) {
    try {
      return JSON.parse(answer.body) as Asset;
    } catch {
      throw unexpected(answer.status);
    }
  }
  if (answer.status < 400 || answer.status > 599) throw unexpected(answer.status);
  const headers: Record<string, string> = {};
  if (answer.contentType) headers["Content-Type"] = answer.contentType;
  if (answer.retryAfter) headers["Retry-After"] = answer.retryAfter;
  throw await problemFromResponse(new Response(answer.body, { status: answer.status, headers }));
}

function unexpected(status: number): ProblemError {
  return new ProblemError({
    type: "unexpected-response",
    title: "Unexpected response",
    status,
    detail: "The upload's answer could not be read. Please try again.",
  });
}
