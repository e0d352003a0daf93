import { useCallback, useEffect, useRef, useState } from "react";
import { IdempotencyKeys } from "../../../api/idempotency";
import { describeProblem, toProblemError } from "../../../api/problem";
import { useApi } from "../../../auth/useApi";
import { getAsset } from "../../stage/lib/stage-api";
import { type DeckUpload, phaseOf } from "../lib/deck-progress";
import { uploadAsset } from "../lib/upload-asset";

export const POLL_EVERY_MS = 500;

export interface DeckUploadControl {
  upload: DeckUpload | null;
  /** Uploads `file`, then follows the server's rendering until the deck is ready or failed. */
  start(file: File): void;
  /** Forgets the finished (or failed) upload; cancels one under way. */
  reset(): void;
}

/**
 * One deck upload at a time for a course: the bytes (with progress), then a poll of
 * `GET /assets/{id}` every ~500 ms for the rendered page count until ready or failed.
 */
export function useDeckUpload(courseId: string): DeckUploadControl {
  const api = useApi();
  const [upload, setUpload] = useState<DeckUpload | null>(null);
  const controller = useRef<AbortController | null>(null);
  // The same file again after a failure is a retry (same key); after a success, a new upload.
  const keys = useRef(new IdempotencyKeys());

  const reset = useCallback(() => {
    controller.current?.abort();
    controller.current = null;
    setUpload(null);
  }, []);

  useEffect(() => () => controller.current?.abort(), []);

  const start = useCallback(
    (file: File) => {
      controller.current?.abort();
      const current = new AbortController();
      controller.current = current;
      const { signal } = current;
      const update = (next: DeckUpload) => {
        if (!signal.aborted) setUpload(next);
      };
      update({ phase: "uploading", filename: file.name, fraction: 0 });

      void (async () => {
        try {
          let asset = await uploadAsset(api, courseId, file, {
            kind: "slide_deck",
            idempotencyKey: keys.current.keyFor({ name: file.name, size: file.size, modified: file.lastModified }),
            signal,
            onProgress: (fraction) => update({ phase: "uploading", filename: file.name, fraction }),
          });
          keys.current.reset();
          update(phaseOf(asset));
          while (asset.status !== "ready" && asset.status !== "failed") {
            await wait(POLL_EVERY_MS, signal);
            asset = await getAsset(api, asset.id, signal);
            update(phaseOf(asset));
          }
        } catch (error) {
          if (signal.aborted) return;
          update({ phase: "failed", filename: file.name, message: describeProblem(toProblemError(error).problem) });
        }
      })();
    },
    [api, courseId],
  );

  return { upload, start, reset };
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(new DOMException("Canceled.", "AbortError"));
      },
      { once: true },
    );
  });
}
