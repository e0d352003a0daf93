/**
 * `Idempotency-Key`s for POSTs that create something (spec 30): retrying the same
 * request with the same key cannot do it twice, e.g. a class scheduled again after the
 * answer to the first try was lost. A changed request gets a new key, because the api
 * refuses a key reused for a different body (422 `idempotency-key-reused`).
 */

export const IDEMPOTENCY_HEADER = "Idempotency-Key";

export class IdempotencyKeys {
  private last: { request: string; key: string } | null = null;
  private readonly newKey: () => string;

  constructor(newKey: () => string = randomKey) {
    this.newKey = newKey;
  }

  /** The key for this request body: the previous one if the body is the same. */
  keyFor(body: unknown): string {
    const request = JSON.stringify(body);
    if (this.last?.request !== request) this.last = { request, key: this.newKey() };
    return this.last.key;
  }

  /** After a success: the next request, even an identical one, is a new action. */
  reset(): void {
    this.last = null;
  }
}

/** A random UUID; `randomUUID` exists only on secure pages, `getRandomValues` everywhere. */
function randomKey(): string {
  if (typeof globalThis.crypto.randomUUID === "function") return globalThis.crypto.randomUUID();
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
