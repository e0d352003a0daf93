import { useEffect, useRef, useState } from "react";
import type { TeacherMedia } from "../../sessions/lib/media";

interface TeacherVideoProps {
  /** Null until the media connection exists. */
  media: TeacherMedia | null;
  onStartAudio(): void;
  onStartVideo(): void;
  /** Asks for a new media connection after it failed or closed. */
  onReconnect(): void;
}

/**
 * The teacher's camera and voice. The picture plays muted (browsers always allow
 * that); the sound plays from its own element, and if the browser blocks it until the
 * student interacts, an "Unmute" button says so.
 */
export function TeacherVideo({ media, onStartAudio, onStartVideo, onReconnect }: TeacherVideoProps) {
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const audioRef = useRef<HTMLAudioElement | null>(null);
  const [muted, setMuted] = useState(false);
  const video = media?.video ?? null;
  const audio = media?.audio ?? null;

  useEffect(() => {
    const element = videoRef.current;
    if (video === null || element === null) return;
    element.muted = true;
    video.attach(element);
    return () => {
      video.detach(element);
    };
  }, [video]);

  useEffect(() => {
    const element = audioRef.current;
    if (audio === null || element === null) return;
    audio.attach(element);
    return () => {
      audio.detach(element);
    };
  }, [audio]);

  useEffect(() => {
    if (audioRef.current) audioRef.current.muted = muted;
  }, [muted]);

  const connection = media?.connection ?? "connecting";
  const overlay =
    connection === "connecting"
      ? "Connecting to the class video…"
      : connection === "reconnecting"
        ? "Video reconnecting…"
        : connection === "failed"
          ? "The class video couldn't connect."
          : connection === "disconnected"
            ? "The class video stopped."
            : video === null
              ? "The teacher's camera is off."
              : null;

  return (
    <section className="teacher-video" aria-label="Teacher's video">
      <div className="stage">
        <video ref={videoRef} className="stage__video" aria-label="Teacher's camera" autoPlay playsInline muted />
        <audio ref={audioRef} autoPlay />
        {overlay ? (
          <p className="stage__overlay" role="status">
            {overlay}
          </p>
        ) : null}
      </div>
      <div className="teacher-video__controls">
        {media?.videoBlocked ? (
          <button type="button" className="button button--primary" onClick={onStartVideo}>
            Play video
          </button>
        ) : null}
        {audio !== null && media?.audioBlocked ? (
          <button type="button" className="button button--primary" onClick={onStartAudio}>
            Unmute
          </button>
        ) : null}
        {audio !== null && !media?.audioBlocked ? (
          <button type="button" className="button" aria-pressed={muted} onClick={() => setMuted((current) => !current)}>
            {muted ? "Unmute" : "Mute"}
          </button>
        ) : null}
        {audio !== null && media?.audioBlocked ? (
          <span className="muted small">Your browser started the class muted.</span>
        ) : null}
        {connection === "failed" || connection === "disconnected" ? (
          <button type="button" className="button" onClick={onReconnect}>
            Reconnect video
          </button>
        ) : null}
        {media?.error ? <span className="muted small">{media.error}</span> : null}
      </div>
    </section>
  );
}
