import { type FocusEvent, type KeyboardEvent, memo, useCallback, useLayoutEffect, useRef, useState } from "react";
import { PartError } from "../../../shared/components/ErrorState";
import { ProblemMessage } from "../../../shared/components/InlineError";
import type { TranscriptSegment } from "../../../api/types";
import type { Transcript } from "../hooks/useTranscript";
import type { TranscriptDownload } from "../hooks/useDownload";
import { usePlayheadValue } from "../hooks/usePlayheadValue";
import { formatMediaTime } from "../lib/format-media-time";
import type { Playhead } from "../lib/playhead";
import { segmentIndexAt } from "../lib/timeline";

interface TranscriptPanelProps {
  transcript: Transcript;
  playhead: Playhead;
  onSeek(ms: number): void;
  /** The panel is on screen (its tab is chosen): only then does it scroll to follow. */
  visible: boolean;
  /** The transcript is complete (the replay is ready); before, it is being made. */
  complete: boolean;
  /** "Transcribing 3/10" while it is being made. */
  progress: string | null;
  /** Segments a search found (their `idx`). */
  found: ReadonlySet<number>;
  downloads: TranscriptDownload;
}

/** Keys that scroll a list: pressed in it, the reader is looking around, not following. */
const SCROLL_KEYS = new Set(["ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End"]);

/**
 * What was said, each segment with its time: the one playing is marked and kept in view
 * (unless the reader scrolls away: then "Back to now"); a click seeks to a segment.
 */
export const TranscriptPanel = memo(function TranscriptPanel({
  transcript,
  playhead,
  onSeek,
  visible,
  complete,
  progress,
  found,
  downloads,
}: TranscriptPanelProps) {
  const { segments, starts } = transcript;
  const current = usePlayheadValue(playhead, useCallback((ms: number) => segmentIndexAt(starts, ms), [starts]));
  const [following, setFollowing] = useState(true);
  const scroller = useRef<HTMLDivElement | null>(null);

  // Keeps the current segment in view, a third of the way down, while following.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!following || !visible || element === null || current < 0) return;
    const row = element.querySelector<HTMLElement>('[aria-current="true"]');
    if (row === null) return;
    // Measured on screen, not by offsetTop: each row is its own containing block
    // (`content-visibility`), so offsetTop would be 0.
    const top = row.getBoundingClientRect().top - element.getBoundingClientRect().top + element.scrollTop;
    const bottom = top + row.offsetHeight;
    if (top < element.scrollTop || bottom > element.scrollTop + element.clientHeight) {
      element.scrollTop = Math.max(0, top - element.clientHeight / 3);
    }
  }, [current, following, visible, segments]);

  const stopFollowing = useCallback(() => setFollowing(false), []);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (SCROLL_KEYS.has(event.key)) stopFollowing();
  }

  function onFocus(event: FocusEvent<HTMLDivElement>) {
    // Moving through the segments with Tab is reading: following would pull the view away.
    if (event.target !== event.currentTarget && matchesFocusVisible(event.target)) stopFollowing();
  }

  function backToNow() {
    setFollowing(true);
    scroller.current?.focus({ preventScroll: true });
  }

  const empty = transcript.status === "ready" && segments.length === 0;
  return (
    <section className="replay-transcript" aria-label="Transcript">
      <div className="replay-panel__header">
        {/* The tab says it already: the heading is for finding the region by its name. */}
        <h2 className="visually-hidden">Transcript</h2>
        {complete && segments.length > 0 ? (
          <div className="replay-transcript__downloads" role="group" aria-label="Download the transcript">
            <button
              type="button"
              className="button button--small"
              disabled={downloads.busy !== null}
              onClick={() => void downloads.download("txt")}
            >
              {downloads.busy === "txt" ? "Preparing…" : "Text (.txt)"}
            </button>
            <button
              type="button"
              className="button button--small"
              disabled={downloads.busy !== null}
              onClick={() => void downloads.download("vtt")}
            >
              {downloads.busy === "vtt" ? "Preparing…" : "Captions (.vtt)"}
            </button>
          </div>
        ) : null}
      </div>
      <ProblemMessage what="Couldn't download it." problem={downloads.failure} />

      {transcript.status === "loading" || transcript.status === "idle" ? <p className="muted">Loading the transcript…</p> : null}
      {transcript.status === "error" ? (
        <PartError what="Couldn't load the transcript." problem={transcript.error} onRetry={transcript.retry} />
      ) : null}
      {empty && !complete ? (
        <p className="replay-panel__note">
          The transcript is being made{progress ? ` (${progress})` : ""}. It appears here by itself; the recording plays meanwhile.
        </p>
      ) : null}
      {empty && complete ? <p className="replay-panel__note">Nothing was transcribed in this recording.</p> : null}

      {segments.length > 0 ? (
        <div className="replay-transcript__frame">
          <div
            className="replay-panel__scroller replay-transcript__scroller"
            ref={scroller}
            tabIndex={0}
            aria-label="Transcript segments"
            role="group"
            onWheel={stopFollowing}
            onTouchMove={stopFollowing}
            onPointerDown={(event) => {
              // The scrollbar itself (a press on the list, not on a segment).
              if (event.target === event.currentTarget) stopFollowing();
            }}
            onKeyDown={onKeyDown}
            onFocus={onFocus}
          >
            <TranscriptList segments={segments} current={current} found={found} onSeek={onSeek} />
            {transcript.loadingMore ? <p className="muted small replay-transcript__more">Loading the rest of the transcript…</p> : null}
          </div>
          {!following ? (
            <button type="button" className="button button--small replay-transcript__now" onClick={backToNow}>
              Back to now
            </button>
          ) : null}
        </div>
      ) : null}
    </section>
  );
});

function matchesFocusVisible(target: EventTarget): boolean {
  try {
    return target instanceof Element && target.matches(":focus-visible");
  } catch {
    return false;
  }
}

interface TranscriptListProps {
  segments: readonly TranscriptSegment[];
  current: number;
  found: ReadonlySet<number>;
  onSeek(ms: number): void;
}

/** The rows are memoised: a new current segment re-renders two rows, not the list. */
const TranscriptList = memo(function TranscriptList({ segments, current, found, onSeek }: TranscriptListProps) {
  return (
    <ol className="replay-transcript__list">
      {segments.map((segment, index) => (
        <TranscriptRow
          key={segment.idx}
          segment={segment}
          current={index === current}
          found={found.has(segment.idx)}
          onSeek={onSeek}
        />
      ))}
    </ol>
  );
});

interface TranscriptRowProps {
  segment: TranscriptSegment;
  current: boolean;
  found: boolean;
  onSeek(ms: number): void;
}

const TranscriptRow = memo(function TranscriptRow({ segment, current, found, onSeek }: TranscriptRowProps) {
  const className = ["replay-transcript__segment", found ? "replay-transcript__segment--found" : ""].filter(Boolean).join(" ");
  return (
    <li className="replay-transcript__item">
      <button
        type="button"
        className={className}
        aria-current={current ? "true" : undefined}
        data-start-ms={segment.start_ms}
        onClick={() => onSeek(segment.start_ms)}
      >
        <span className="replay-time">{formatMediaTime(segment.start_ms)}</span>{" "}
        <span className="replay-transcript__text">{segment.text}</span>
      </button>
    </li>
  );
});
