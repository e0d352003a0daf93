import { type RefObject, type SyntheticEvent, useCallback, useEffect, useRef, useState } from "react";
import type { ReplayMedia } from "../../../api/types";
import type { SignedMedia, SourceMoment } from "../lib/media-url";
import { clampSeconds, fasterSpeed, slowerSpeed } from "../lib/playback";
import type { Playhead } from "../lib/playhead";
import { useMediaSource } from "./useMediaSource";

interface Options {
  media: ReplayMedia | null;
  /** When the manifest carrying `media` was asked for. */
  requestedAt: number;
  /** Asks for the manifest again (a fresh media URL). */
  refresh(): Promise<boolean>;
  playhead: Playhead;
  /** Where playback starts (seconds): `?t=`, else the saved place. */
  startAt: number;
  durationMs: number | null;
}

type MediaEvent = SyntheticEvent<HTMLVideoElement>;

export interface ReplayPlayer {
  videoRef: RefObject<HTMLVideoElement | null>;
  trackRef: RefObject<HTMLTrackElement | null>;
  src: string | null;
  playing: boolean;
  /** Waiting for data. */
  buffering: boolean;
  /** Playback has been started at least once (before that, nothing is worth saving). */
  started: boolean;
  rate: number;
  muted: boolean;
  captionsOn: boolean;
  /** No picture in the recording: the slide takes its place. */
  audioOnly: boolean;
  durationMs: number | null;
  /** The recording cannot be played, fresh URLs or not. */
  gaveUp: boolean;
  retry(): void;
  /** Jumps to `ms` at the viewer's request (a click, a key, a hit). */
  seek(ms: number): void;
  seekBy(seconds: number): void;
  togglePlay(): void;
  setRate(rate: number): void;
  faster(): void;
  slower(): void;
  toggleMute(): void;
  toggleCaptions(): void;
  /** The `<video>`'s event handlers. */
  events: {
    onLoadedMetadata(event: MediaEvent): void;
    onDurationChange(event: MediaEvent): void;
    onTimeUpdate(event: MediaEvent): void;
    onPlay(): void;
    onPlaying(): void;
    onPause(): void;
    onEnded(): void;
    onWaiting(): void;
    onCanPlay(): void;
    onStalled(): void;
    onError(): void;
    onRateChange(event: MediaEvent): void;
    onVolumeChange(event: MediaEvent): void;
  };
}

/**
 * One `<video>` for the replay: play state, speed, sound, captions, seeking, the playhead,
 * and the media URL kept fresh (`useMediaSource`), restoring the time, speed and play
 * state when the URL is swapped.
 */
export function useReplayPlayer({ media, requestedAt, refresh, playhead, startAt, durationMs: knownDuration }: Options): ReplayPlayer {
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const trackRef = useRef<HTMLTrackElement | null>(null);
  const [playing, setPlaying] = useState(false);
  const [buffering, setBuffering] = useState(false);
  const [started, setStarted] = useState(false);
  const [rate, setRateState] = useState(1);
  const [muted, setMuted] = useState(false);
  const [captionsOn, setCaptionsOn] = useState(false);
  const [audioOnly, setAudioOnly] = useState(() => media?.mime.startsWith("audio/") ?? false);
  const [elementDuration, setElementDuration] = useState<number | null>(null);
  const durationMs = elementDuration ?? knownDuration;

  // Where to put the element once its (new) source has loaded: the start, or where a swap left off.
  const restore = useRef<{ t: number; play: boolean } | null>({ t: startAt, play: false });
  const swapping = useRef(false);
  // What the viewer wants, which a swap or an error must not change.
  const wantsToPlay = useRef(false);
  const rateRef = useRef(1);

  const onSwap = useCallback(
    (_to: SignedMedia, moment: SourceMoment) => {
      restore.current = { t: playhead.get() / 1000, play: moment === "paused" ? false : wantsToPlay.current };
      swapping.current = true;
    },
    [playhead],
  );
  const source = useMediaSource(media, requestedAt, refresh, onSwap);
  const { moment, playing: sourcePlaying } = source;

  const play = useCallback(() => {
    const video = videoRef.current;
    if (video === null) return;
    wantsToPlay.current = true;
    if (swapping.current && restore.current) {
      restore.current.play = true;
      return;
    }
    const started = video.play() as Promise<void> | undefined;
    started?.catch(() => {
      // Refused (no gesture) or interrupted by a swap: the buttons follow the element.
      if (!swapping.current) {
        wantsToPlay.current = false;
        setPlaying(false);
      }
    });
  }, []);

  const pause = useCallback(() => {
    wantsToPlay.current = false;
    if (swapping.current && restore.current) restore.current.play = false;
    videoRef.current?.pause();
  }, []);

  // By what the viewer asked for, which holds through a swap (the element is paused then).
  const togglePlay = useCallback(() => {
    if (wantsToPlay.current) pause();
    else play();
  }, [play, pause]);

  const seek = useCallback(
    (ms: number) => {
      const duration = durationMs !== null ? durationMs / 1000 : null;
      const t = clampSeconds(ms / 1000, duration);
      const video = videoRef.current;
      if (moment("user-seek")) {
        // The swap restores to where the viewer asked to go.
        restore.current = { t, play: wantsToPlay.current };
      } else if (swapping.current && restore.current) {
        restore.current.t = t;
      } else if (video !== null) {
        video.currentTime = t;
      }
      playhead.set(t * 1000);
    },
    [durationMs, playhead, moment],
  );

  const seekBy = useCallback((seconds: number) => seek(playhead.get() + seconds * 1000), [seek, playhead]);

  const setRate = useCallback((next: number) => {
    rateRef.current = next;
    setRateState(next);
    const video = videoRef.current;
    if (video !== null) {
      // Both: a new source starts at the default rate.
      video.defaultPlaybackRate = next;
      video.playbackRate = next;
    }
  }, []);

  const toggleMute = useCallback(() => {
    const video = videoRef.current;
    if (video !== null) video.muted = !video.muted;
  }, []);

  const toggleCaptions = useCallback(() => setCaptionsOn((on) => !on), []);

  // Captions: "showing" when on, else "hidden" (the cues stay loaded, so turning them on is instant).
  useEffect(() => {
    const track = trackRef.current?.track;
    if (track) track.mode = captionsOn ? "showing" : "hidden";
  });

  const events: ReplayPlayer["events"] = {
    onLoadedMetadata(event) {
      const video = event.currentTarget;
      if (Number.isFinite(video.duration) && video.duration > 0) setElementDuration(video.duration * 1000);
      if (video.videoWidth === 0) setAudioOnly(true);
      else setAudioOnly(false);
      video.defaultPlaybackRate = rateRef.current;
      video.playbackRate = rateRef.current;
      const target = restore.current;
      restore.current = null;
      swapping.current = false;
      if (target !== null) {
        if (target.t > 0 && Math.abs(video.currentTime - target.t) > 0.05) video.currentTime = target.t;
        playhead.set(target.t * 1000);
        if (target.play) play();
      }
    },
    onDurationChange(event) {
      const duration = event.currentTarget.duration;
      if (Number.isFinite(duration) && duration > 0) setElementDuration(duration * 1000);
    },
    onTimeUpdate(event) {
      // While a new source loads, its clock reads 0: the playhead stays where it was.
      if (!swapping.current) playhead.set(event.currentTarget.currentTime * 1000);
    },
    onPlay() {
      wantsToPlay.current = true;
      setPlaying(true);
      setStarted(true);
    },
    onPlaying() {
      setBuffering(false);
      sourcePlaying();
    },
    onPause() {
      if (swapping.current) return;
      wantsToPlay.current = false;
      setPlaying(false);
      moment("paused");
    },
    onEnded() {
      wantsToPlay.current = false;
      setPlaying(false);
    },
    onWaiting() {
      setBuffering(true);
    },
    onCanPlay() {
      setBuffering(false);
    },
    onStalled() {
      moment("stalled");
    },
    onError() {
      setBuffering(false);
      moment("error");
    },
    onRateChange(event) {
      if (!swapping.current) setRateState(event.currentTarget.playbackRate);
    },
    onVolumeChange(event) {
      setMuted(event.currentTarget.muted);
    },
  };

  return {
    videoRef,
    trackRef,
    src: source.src,
    playing,
    buffering,
    started,
    rate,
    muted,
    captionsOn,
    audioOnly,
    durationMs,
    gaveUp: source.gaveUp,
    retry: source.retry,
    seek,
    seekBy,
    togglePlay,
    setRate,
    faster: () => setRate(fasterSpeed(rateRef.current)),
    slower: () => setRate(slowerSpeed(rateRef.current)),
    toggleMute,
    toggleCaptions,
    events,
  };
}
