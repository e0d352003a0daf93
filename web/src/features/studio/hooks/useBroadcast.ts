import { useEffect, useState } from "react";
import type { JoinResponse } from "../../../api/types";
import { useLiveServices } from "../../sessions/hooks/useLiveServices";
import type { Broadcast } from "../../sessions/lib/media";

/** The broadcast as it is now, and what the host can do with it. */
export interface LiveBroadcast extends Broadcast {
  shareScreen(enabled: boolean): Promise<void>;
}

/**
 * Sends the host's camera and microphone to the class's media room while `active` and
 * the `/join` answer carries media credentials; null while there is no broadcast.
 */
export function useBroadcast(join: JoinResponse | null, stream: MediaStream | null, active: boolean): LiveBroadcast | null {
  const { startBroadcast } = useLiveServices();
  const [broadcast, setBroadcast] = useState<LiveBroadcast | null>(null);
  const url = join?.livekit_url ?? null;
  const token = join?.token ?? null;

  useEffect(() => {
    if (!active || url === null || token === null) {
      setBroadcast(null);
      return;
    }
    const session = startBroadcast(url, token, stream?.getTracks() ?? []);
    const shareScreen = (enabled: boolean) => session.shareScreen(enabled);
    setBroadcast({ ...session.broadcast, shareScreen });
    const unsubscribe = session.subscribe((next) => setBroadcast({ ...next, shareScreen }));
    return () => {
      unsubscribe();
      session.disconnect();
    };
  }, [startBroadcast, url, token, stream, active]);

  return broadcast;
}
