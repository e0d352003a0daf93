import { type CSSProperties, memo, useCallback, useMemo } from "react";
import type { Chapter, Highlight, SearchHit } from "../../../api/types";
import { describeMediaTime, formatMediaTime } from "../lib/format-media-time";
import type { Playhead } from "../lib/playhead";
import { usePlayheadValue } from "../hooks/usePlayheadValue";

interface SeekBarProps {
  playhead: Playhead;
  durationMs: number | null;
  chapters: readonly Chapter[];
  highlights: readonly Highlight[];
  hits: readonly SearchHit[];
  currentHit: number | null;
  onSeek(ms: number): void;
}

/**
 * The timeline: a slider for the playhead, with chapter ticks, highlight dots and search
 * hits marked along it (the marks are pictures of the lists the panels give in words).
 */
export function SeekBar({ playhead, durationMs, chapters, highlights, hits, currentHit, onSeek }: SeekBarProps) {
  // A quarter of a second is as fine as the slider can show.
  const quarter = usePlayheadValue(playhead, useCallback((ms: number) => Math.floor(ms / 250), []));
  const duration = durationMs !== null && durationMs > 0 ? durationMs : null;
  const seconds = quarter / 4;
  const max = duration !== null ? Math.ceil(duration / 1000) : Math.max(1, Math.ceil(seconds));
  const percent = Math.min(100, (seconds / max) * 100);
  return (
    <div className="seek" style={{ "--seek-progress": `${percent}%` } as CSSProperties}>
      {duration !== null ? (
        <SeekMarks duration={duration} chapters={chapters} highlights={highlights} hits={hits} currentHit={currentHit} />
      ) : null}
      <input
        className="seek__range"
        type="range"
        min={0}
        max={max}
        step={1}
        value={Math.min(max, Math.floor(seconds))}
        aria-label="Seek"
        aria-valuetext={`${describeMediaTime(seconds * 1000)}${duration !== null ? ` of ${describeMediaTime(duration)}` : ""}`}
        onChange={(event) => onSeek(Number(event.currentTarget.value) * 1000)}
      />
      <span className="visually-hidden">
        {formatMediaTime(seconds * 1000)}
      </span>
    </div>
  );
}

interface SeekMarksProps {
  duration: number;
  chapters: readonly Chapter[];
  highlights: readonly Highlight[];
  hits: readonly SearchHit[];
  currentHit: number | null;
}

const SeekMarks = memo(function SeekMarks({ duration, chapters, highlights, hits, currentHit }: SeekMarksProps) {
  const at = (ms: number) => `${Math.min(100, Math.max(0, (ms / duration) * 100))}%`;
  const ticks = useMemo(() => chapters.filter((chapter) => chapter.start_ms > 0), [chapters]);
  return (
    <div className="seek__marks" aria-hidden="true">
      {ticks.map((chapter) => (
        <span key={`c${chapter.idx}`} className="seek__chapter" style={{ left: at(chapter.start_ms) }} />
      ))}
      {highlights.map((highlight) => (
        <span
          key={`h${highlight.id}`}
          className={`seek__highlight seek__highlight--${highlight.kind}`}
          style={{ left: at(highlight.start_ms) }}
        />
      ))}
      {hits.map((hit, index) => (
        <span
          key={`s${index}`}
          className={index === currentHit ? "seek__hit seek__hit--current" : "seek__hit"}
          style={{ left: at(hit.start_ms) }}
        />
      ))}
    </div>
  );
});
