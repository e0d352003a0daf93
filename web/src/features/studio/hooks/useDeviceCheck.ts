import { useCallback, useEffect, useRef, useState } from "react";
import { useLiveServices } from "../../sessions/hooks/useLiveServices";
import { DEVICE_REQUESTS, describeDeviceError, isFinalDeviceError } from "../lib/devices";

export interface DeviceCheck {
  status: "starting" | "ready" | "error";
  /** The camera and microphone the preview shows and the broadcast sends. */
  stream: MediaStream | null;
  hasCamera: boolean;
  hasMicrophone: boolean;
  error: string | null;
  retry(): void;
}

/**
 * Opens the camera and microphone for the studio's preview (and, later, the broadcast),
 * falling back to whichever one works, and closes them when the studio closes.
 */
export function useDeviceCheck(active: boolean): DeviceCheck {
  const { getUserMedia } = useLiveServices();
  const [attempt, setAttempt] = useState(0);
  const [check, setCheck] = useState<Omit<DeviceCheck, "retry">>({
    status: "starting",
    stream: null,
    hasCamera: false,
    hasMicrophone: false,
    error: null,
  });
  const streamRef = useRef<MediaStream | null>(null);

  useEffect(() => {
    if (!active) return;
    let cancelled = false;
    setCheck({ status: "starting", stream: null, hasCamera: false, hasMicrophone: false, error: null });
    (async () => {
      let lastError: unknown = null;
      for (const request of DEVICE_REQUESTS) {
        try {
          const stream = await getUserMedia(request);
          if (cancelled) {
            stopAll(stream);
            return;
          }
          streamRef.current = stream;
          setCheck({
            status: "ready",
            stream,
            hasCamera: stream.getVideoTracks().length > 0,
            hasMicrophone: stream.getAudioTracks().length > 0,
            error: null,
          });
          return;
        } catch (error) {
          lastError = error;
          if (isFinalDeviceError(error)) break;
        }
      }
      if (!cancelled) {
        setCheck({ status: "error", stream: null, hasCamera: false, hasMicrophone: false, error: describeDeviceError(lastError) });
      }
    })();
    return () => {
      cancelled = true;
      if (streamRef.current) stopAll(streamRef.current);
      streamRef.current = null;
    };
  }, [getUserMedia, active, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...check, retry };
}

function stopAll(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
