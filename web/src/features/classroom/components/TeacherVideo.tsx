import { useEffect, useRef, useState } from "react";
import type { StudioSnapshot } from "../../../api/types";
import type { TeacherMedia } from "../../sessions/lib/media";
import { SceneView } from "../../stage/components/SceneView";

interface TeacherVideoProps {
  /** Null until the media connection exists. */
  media: TeacherMedia | null;
  /** No media connection is coming (the media server is down or off): no "connecting". */
  videoOff?: boolean;
  /** What the teacher puts on screen: scene, slide, banner, who is on stage. */
  studio: StudioSnapshot;
  /** My user id (my own tile when I am on stage). */
  userId: string | null;
  onStartAudio(): void;
  onStartVideo(): void;
  /** Asks for a new media connection after it failed or closed. */
  onReconnect(): void;
}

/**
 * The class as the teacher stages it (`SceneView`: camera, slide, shared screen, people
 * on stage) and the teacher's voice. Pictures play muted (browsers always allow that);
 * the sound plays from its own element, and if the browser blocks it until the student
 * interacts, an "Unmute" button says so. A student brought on stage is told that the
 * class sees and hears them (`data-can-publish` mirrors LiveKit's permission).
 */
export function TeacherVideo({
  media,
  videoOff = false,
  studio,
  userId,
  onStartAudio,
  onStartVideo,
  onReconnect,
}: TeacherVideoProps) {
  const audioRef = useRef<HTMLAudioElement | null>(null);
  const [muted, setMuted] = useState(false);
  const audio = media?.audio ?? null;

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

  const connection = media?.connection ?? (videoOff ? null : "connecting");
  const overlay =
    connection === null
      ? "No video right now."
      : connection === "connecting"
        ? "Connecting to the class video…"
        : connection === "reconnecting"
          ? "Video reconnecting…"
          : connection === "failed"
            ? "The class video couldn't connect."
            : connection === "disconnected"
              ? "The class video stopped."
              : media?.video == null
                ? "The teacher's camera is off."
                : null;
  const canPublish = media?.canPublish ?? false;
  const invited = userId !== null && studio.stage.includes(userId);

  return (
    <section className="teacher-video" aria-label="Teacher's video" data-can-publish={String(canPublish)}>
      <SceneView
        studio={studio}
        audience="student"
        label="Class stage"
        camera={media?.video ?? null}
        cameraLabel="Teacher's camera"
        cameraNotice={overlay}
        screen={media?.screen ?? null}
        people={media?.people ?? []}
        me={userId === null ? null : { userId, camera: media?.ownCamera ?? null }}
      />
      <audio ref={audioRef} autoPlay />
      {invited || canPublish ? (
        <p className="on-stage-notice" role="status">
          {canPublish ? "You're on stage: the class can see and hear you." : "You're being brought on stage…"}
        </p>
      ) : null}
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
