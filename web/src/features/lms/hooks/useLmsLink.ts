import { useEffect, useState } from "react";
import type { ApiClient } from "../../../api/client";
import type { LmsLink } from "../../../api/types";
import { useApi } from "../../../auth/useApi";

/**
 * Whether something is linked to an LMS; null while asking, and when the answer could not
 * be had (the LMS controls are then simply not shown: nothing else on the page needs them).
 */
export function useLmsLink(
  load: (api: ApiClient, id: string, signal: AbortSignal) => Promise<LmsLink>,
  id: string,
): LmsLink | null {
  const api = useApi();
  const [link, setLink] = useState<LmsLink | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    setLink(null);
    load(api, id, controller.signal).then(
      (found) => {
        if (!controller.signal.aborted) setLink(found);
      },
      () => undefined,
    );
    return () => controller.abort();
  }, [api, load, id]);
  return link;
}
