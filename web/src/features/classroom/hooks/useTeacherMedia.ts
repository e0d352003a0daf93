import { useCallback, useEffect, useState } from "react";
import type { JoinResponse } from "../../../api/types";
import { useLiveServices } from "../../sessions/hooks/useLiveServices";
import type { TeacherMedia, ViewerSession } from "../../sessions/lib/media";

export interface TeacherMediaView {
  /** Null while there is no media connection (no credentials, or not `active`). */
  media: TeacherMedia | null;
  startAudio(): void;
  startVideo(): void;
}

/** Watches the teacher's camera and microphone while `active` and credentials are in hand. */
export function useTeacherMedia(join: JoinResponse | null, active: boolean): TeacherMediaView {
  const { connectViewer } = useLiveServices();
  const [session, setSession] = useState<ViewerSession | null>(null);
  const [media, setMedia] = useState<TeacherMedia | null>(null);
  const url = join?.livekit_url ?? null;
  const token = join?.token ?? null;

  useEffect(() => {
    if (!active || url === null || token === null) {
      setSession(null);
      setMedia(null);
      return;
    }
    const viewer = connectViewer(url, token);
    setSession(viewer);
    setMedia(viewer.media);
    const unsubscribe = viewer.subscribe(setMedia);
    return () => {
      unsubscribe();
      viewer.disconnect();
    };
  }, [connectViewer, url, token, active]);

  const startAudio = useCallback(() => void session?.startAudio(), [session]);
  const startVideo = useCallback(() => void session?.startVideo(), [session]);
  return { media, startAudio, startVideo };
}
