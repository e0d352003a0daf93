import { useEffect, useState } from "react";
import { useApi } from "../../../auth/useApi";
import { getCaptions } from "../lib/replay-api";

export interface Captions {
  /** A `blob:` URL of the WebVTT file for the `<track>`; null until loaded. */
  url: string | null;
  status: "unavailable" | "loading" | "ready" | "error";
}

/**
 * The replay's captions for the player. `<track>` cannot send the bearer token, so the
 * file is fetched with the api client and handed over as a `blob:` URL (revoked when done).
 * `available`: the captions exist (the replay is ready); before, the api answers 409.
 */
export function useCaptions(sessionId: string, available: boolean): Captions {
  const api = useApi();
  const [captions, setCaptions] = useState<Captions>({ url: null, status: "unavailable" });

  useEffect(() => {
    if (!available) {
      setCaptions({ url: null, status: "unavailable" });
      return;
    }
    const controller = new AbortController();
    let url: string | null = null;
    setCaptions({ url: null, status: "loading" });
    getCaptions(api, sessionId, controller.signal).then(
      (blob) => {
        if (controller.signal.aborted) return;
        url = URL.createObjectURL(blob.type ? blob : new Blob([blob], { type: "text/vtt" }));
        setCaptions({ url, status: "ready" });
      },
      () => {
        if (!controller.signal.aborted) setCaptions({ url: null, status: "error" });
      },
    );
    return () => {
      controller.abort();
      if (url !== null) URL.revokeObjectURL(url);
    };
  }, [api, sessionId, available]);

  return captions;
}
