import { useEffect, useRef } from "react";
import type { AttachableTrack } from "../../sessions/lib/media";

interface TrackVideoProps {
  /** Null: the element stays (so its place and label do) with nothing in it. */
  track: AttachableTrack | null;
  label: string;
  mirrored?: boolean;
}

/** A picture from a media track. Always muted: sound plays from its own element. */
export function TrackVideo({ track, label, mirrored = false }: TrackVideoProps) {
  const ref = useRef<HTMLVideoElement | null>(null);

  useEffect(() => {
    const element = ref.current;
    if (track === null || element === null) return;
    element.muted = true;
    track.attach(element);
    return () => {
      track.detach(element);
    };
  }, [track]);

  return (
    <video
      ref={ref}
      className={mirrored ? "stage__video stage__video--mirrored" : "stage__video"}
      aria-label={label}
      autoPlay
      playsInline
      muted
    />
  );
}

/** The sound of a media track (someone on stage). */
export function TrackAudio({ track }: { track: AttachableTrack }) {
  const ref = useRef<HTMLAudioElement | null>(null);

  useEffect(() => {
    const element = ref.current;
    if (element === null) return;
    track.attach(element);
    return () => {
      track.detach(element);
    };
  }, [track]);

  return <audio ref={ref} autoPlay />;
}
