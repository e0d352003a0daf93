import { useEffect, useState } from "react";
import type { JoinResponse } from "../../../api/types";
import { useLiveServices } from "../../sessions/hooks/useLiveServices";
import type { Broadcast } from "../../sessions/lib/media";

/**
 * Sends the host's camera and microphone to the class's media room while `active` and
 * the `/join` answer carries media credentials; null while there is no broadcast.
 */
export function useBroadcast(join: JoinResponse | null, stream: MediaStream | null, active: boolean): Broadcast | null {
  const { startBroadcast } = useLiveServices();
  const [broadcast, setBroadcast] = useState<Broadcast | null>(null);
  const url = join?.livekit_url ?? null;
  const token = join?.token ?? null;

  useEffect(() => {
    if (!active || url === null || token === null) {
      setBroadcast(null);
      return;
    }
    const session = startBroadcast(url, token, stream?.getTracks() ?? []);
    setBroadcast(session.broadcast);
    const unsubscribe = session.subscribe(setBroadcast);
    return () => {
      unsubscribe();
      session.disconnect();
    };
  }, [startBroadcast, url, token, stream, active]);

  return broadcast;
}
