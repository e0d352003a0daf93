/**
 * A fake XMLHttpRequest for deck uploads (tests only): records what was sent, and lets
 * the test play the server — progress, then an answer, a network failure or an abort.
 * `FakeUploadRequests.install()` puts it in place of the browser's XMLHttpRequest.
 */
import { vi } from "vitest";
import type { UploadRequest } from "../lib/upload-asset";

export class FakeUploadRequest implements UploadRequest {
  method = "";
  url = "";
  readonly headers: Record<string, string> = {};
  body: FormData | null = null;
  aborted = false;
  status = 0;
  responseText = "";
  private responseHeaders: Record<string, string> = {};
  readonly upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  open(method: string, url: string): void {
    this.method = method;
    this.url = url;
  }

  setRequestHeader(name: string, value: string): void {
    this.headers[name] = value;
  }

  send(body: FormData): void {
    this.body = body;
  }

  abort(): void {
    this.aborted = true;
    this.onabort?.();
  }

  getResponseHeader(name: string): string | null {
    const found = Object.entries(this.responseHeaders).find(([key]) => key.toLowerCase() === name.toLowerCase());
    return found ? found[1] : null;
  }

  // --- the server's side ---------------------------------------------------------

  progress(loaded: number, total: number): void {
    this.upload.onprogress?.({ lengthComputable: true, loaded, total } as ProgressEvent);
  }

  respond(status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.status = status;
    this.responseText = typeof body === "string" ? body : JSON.stringify(body);
    this.responseHeaders = {
      "Content-Type": status >= 400 ? "application/problem+json" : "application/json",
      ...headers,
    };
    this.onload?.();
  }

  failNetwork(): void {
    this.onerror?.();
  }

  /** The uploaded file's field. */
  get file(): File | null {
    const value = this.body?.get("file");
    return value instanceof File ? value : null;
  }
}

export class FakeUploadRequests {
  readonly all: FakeUploadRequest[] = [];

  readonly create = (): FakeUploadRequest => {
    const request = new FakeUploadRequest();
    this.all.push(request);
    return request;
  };

  get last(): FakeUploadRequest {
    const request = this.all.at(-1);
    if (request === undefined) throw new Error("FakeUploadRequests: no upload was started");
    return request;
  }

  /** Replaces the global XMLHttpRequest until `vi.unstubAllGlobals()`. */
  install(): this {
    const requests = this;
    vi.stubGlobal(
      "XMLHttpRequest",
      function FakeXMLHttpRequest() {
        return requests.create();
      } as unknown as typeof XMLHttpRequest,
    );
    return this;
  }
}
