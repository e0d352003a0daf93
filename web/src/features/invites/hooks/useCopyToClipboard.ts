import { useCallback, useEffect, useRef, useState } from "react";

export type CopyStatus = "idle" | "copied" | "manual";

/**
 * Copies text, saying how it went. Where the Clipboard API is missing or refused
 * (plain-http origins, some embedded browsers) the status is `manual`, and the caller
 * selects the text so Ctrl+C / ⌘C finishes the job.
 */
export function useCopyToClipboard(resetAfterMs = 3000): {
  status: CopyStatus;
  copy(text: string): Promise<CopyStatus>;
} {
  const [status, setStatus] = useState<CopyStatus>("idle");
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = useCallback(
    async (text: string) => {
      let result: CopyStatus = "manual";
      try {
        if (navigator.clipboard?.writeText) {
          await navigator.clipboard.writeText(text);
          result = "copied";
        }
      } catch {
        result = "manual";
      }
      setStatus(result);
      clearTimeout(timer.current);
      if (result === "copied") timer.current = setTimeout(() => setStatus("idle"), resetAfterMs);
      return result;
    },
    [resetAfterMs],
  );

  return { status, copy };
}
