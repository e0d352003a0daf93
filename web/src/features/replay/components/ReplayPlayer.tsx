import { Captions as CaptionsIcon, RotateCcw, RotateCw } from "lucide-react";
import { Icon } from "../../../shared/icons/Icon";
import { type ReactNode, useId, useRef, useState } from "react";
import type { Chapter, Highlight, SearchHit } from "../../../api/types";
import type { Captions } from "../hooks/useCaptions";
import type { ReplayPlayer as Player } from "../hooks/useReplayPlayer";
import { SPEEDS, speedLabel } from "../lib/playback";
import type { Playhead } from "../lib/playhead";
import { PlayerIcon } from "./PlayerIcon";
import { PlayheadClock } from "./PlayheadClock";
import { SeekBar } from "./SeekBar";

interface ReplayPlayerProps {
  player: Player;
  playhead: Playhead;
  captions: Captions;
  title: string;
  /** Shown behind the picture when the recording has none (audio only): the current slide. */
  picture: ReactNode;
  chapters: readonly Chapter[];
  highlights: readonly Highlight[];
  hits: readonly SearchHit[];
  currentHit: number | null;
  /** Copies a link to the moment playing. */
  onCopyLink(): void;
  /** What copying the link did ("Link copied", or the link to copy by hand). */
  linkNotice: string | null;
}

/**
 * The player: one `<video>` (audio-only recordings play in it too, over the current slide),
 * captions from a `blob:` URL, the seek bar with its marks, and the controls. Keyboard
 * shortcuts are the page's (`usePlayerKeys`).
 */
export function ReplayPlayer({
  player,
  playhead,
  captions,
  title,
  picture,
  chapters,
  highlights,
  hits,
  currentHit,
  onCopyLink,
  linkNotice,
}: ReplayPlayerProps) {
  const frame = useRef<HTMLElement | null>(null);
  const speedId = useId();
  const [fullscreenFailed, setFullscreenFailed] = useState(false);

  function toggleFullscreen() {
    const element = frame.current;
    if (element === null) return;
    if (document.fullscreenElement) void document.exitFullscreen();
    else element.requestFullscreen?.().catch(() => setFullscreenFailed(true));
  }

  const captionsReady = captions.status === "ready";
  return (
    <section className="replay-player" aria-label="Player" ref={frame}>
      <div className={player.audioOnly ? "stage replay-stage replay-stage--audio" : "stage replay-stage"}>
        {player.audioOnly ? <div className="replay-stage__picture">{picture}</div> : null}
        <video
          ref={player.videoRef}
          className="replay-stage__video"
          src={player.src ?? undefined}
          preload="metadata"
          playsInline
          aria-label={`Recording of ${title}`}
          onClick={player.togglePlay}
          {...player.events}
        >
          {captions.url !== null ? <track ref={player.trackRef} kind="captions" label="Captions" src={captions.url} /> : null}
        </video>
        {player.buffering ? (
          <p className="replay-stage__buffering" role="status">
            <span className="spinner spinner--small" aria-hidden="true" /> Loading…
          </p>
        ) : null}
        {player.gaveUp ? (
          <div className="stage__overlay replay-stage__failed" role="alert">
            <p>
              The recording can&apos;t be played right now.{" "}
              <button type="button" className="button button--small" onClick={player.retry}>
                Try again
              </button>
            </p>
          </div>
        ) : null}
      </div>

      <SeekBar
        playhead={playhead}
        durationMs={player.durationMs}
        chapters={chapters}
        highlights={highlights}
        hits={hits}
        currentHit={currentHit}
        onSeek={player.seek}
      />

      <div className="replay-controls">
        <div className="replay-controls__group">
          <button
            type="button"
            className="button button--primary replay-controls__play"
            onClick={player.togglePlay}
            aria-label={player.playing ? "Pause" : "Play"}
            title={player.playing ? "Pause (k)" : "Play (k)"}
          >
            <PlayerIcon name={player.playing ? "pause" : "play"} />
          </button>
          <ControlButton label="Back 10 seconds" title="Back 10 seconds (j)" onClick={() => player.seekBy(-10)}>
            <Icon glyph={RotateCcw} />
            <span aria-hidden="true">10</span>
          </ControlButton>
          <ControlButton label="Forward 10 seconds" title="Forward 10 seconds (l)" onClick={() => player.seekBy(10)}>
            <span aria-hidden="true">10</span>
            <Icon glyph={RotateCw} />
          </ControlButton>
          <PlayheadClock playhead={playhead} durationMs={player.durationMs} />
        </div>
        <div className="replay-controls__group">
          <label className="visually-hidden" htmlFor={speedId}>
            Speed
          </label>
          <select
            id={speedId}
            className="input select replay-controls__speed"
            value={String(player.rate)}
            onChange={(event) => player.setRate(Number(event.currentTarget.value))}
            title="Speed (shift+> and shift+<)"
          >
            {SPEEDS.includes(player.rate) ? null : <option value={String(player.rate)}>{speedLabel(player.rate)}</option>}
            {SPEEDS.map((speed) => (
              <option key={speed} value={String(speed)}>
                {speedLabel(speed)}
              </option>
            ))}
          </select>
          <ControlButton
            label="Captions"
            title={captionsReady ? "Captions (c)" : "Captions come with the transcript"}
            pressed={player.captionsOn}
            disabled={!captionsReady}
            onClick={player.toggleCaptions}
          >
            <Icon glyph={CaptionsIcon} />
          </ControlButton>
          <ControlButton label="Mute" title="Mute (m)" pressed={player.muted} onClick={player.toggleMute}>
            <PlayerIcon name={player.muted ? "muted" : "sound"} />
          </ControlButton>
          <ControlButton label="Full screen" onClick={toggleFullscreen}>
            <PlayerIcon name="fullscreen" />
          </ControlButton>
          <ControlButton label="Copy a link to this moment" onClick={onCopyLink}>
            <PlayerIcon name="link" />
          </ControlButton>
        </div>
      </div>
      <p className="replay-controls__status" role="status">
        {linkNotice ?? (fullscreenFailed ? "Full screen isn't available here." : "")}
      </p>
    </section>
  );
}

interface ControlButtonProps {
  /** Its name for screen readers; also the tooltip unless `title` says more (the key). */
  label: string;
  title?: string;
  /** For toggles (captions, sound): whether it is on. */
  pressed?: boolean;
  disabled?: boolean;
  onClick(): void;
  children: ReactNode;
}

/** One of the player's icon buttons. */
function ControlButton({ label, title = label, pressed, disabled, onClick, children }: ControlButtonProps) {
  return (
    <button
      type="button"
      className="button replay-controls__icon"
      onClick={onClick}
      aria-pressed={pressed}
      aria-label={label}
      title={title}
      disabled={disabled}
    >
      {children}
    </button>
  );
}
