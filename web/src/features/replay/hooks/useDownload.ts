import { useCallback, useState } from "react";
import { type ProblemError, toProblemError } from "../../../api/problem";
import { useApi } from "../../../auth/useApi";
import { type TranscriptFormat, downloadTranscript } from "../lib/replay-api";

export interface TranscriptDownload {
  busy: TranscriptFormat | null;
  failure: ProblemError | null;
  download(format: TranscriptFormat): Promise<void>;
}

/**
 * Saves the transcript (.txt) or captions (.vtt). The files need the bearer token, which a
 * plain link cannot send: fetch them with the api client, then save through a `blob:` link.
 */
export function useDownload(sessionId: string, fallbackName: string): TranscriptDownload {
  const api = useApi();
  const [busy, setBusy] = useState<TranscriptFormat | null>(null);
  const [failure, setFailure] = useState<ProblemError | null>(null);

  const download = useCallback(
    async (format: TranscriptFormat) => {
      setBusy(format);
      setFailure(null);
      try {
        const file = await downloadTranscript(api, sessionId, format);
        saveFile(file.blob, file.filename ?? `${fallbackName}.${format}`);
      } catch (error) {
        setFailure(toProblemError(error));
      } finally {
        setBusy(null);
      }
    },
    [api, sessionId, fallbackName],
  );

  return { busy, failure, download };
}

function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser a moment to start the download before the URL goes.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
