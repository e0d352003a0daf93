import { memo, useCallback } from "react";
import type { Chapter, ReplaySummary } from "../../../api/types";
import type { ReplayDecks } from "../hooks/useReplayDecks";
import { usePlayheadValue } from "../hooks/usePlayheadValue";
import { formatMediaTime } from "../lib/format-media-time";
import type { Playhead } from "../lib/playhead";
import { type ReplayTimeline, chapterIndexAt } from "../lib/timeline";

interface ChaptersPanelProps {
  timeline: ReplayTimeline;
  playhead: Playhead;
  decks: ReplayDecks;
  summary: ReplaySummary | null;
  /** The replay is complete; before, chapters are still being made. */
  complete: boolean;
  progress: string | null;
  onSeek(ms: number): void;
  /** Searches the class for a keyword of the summary. */
  onSearch(text: string): void;
  /** A chapter picture failed (its signed URL expired): ask for fresh ones. */
  onStaleThumbnail(): void;
}

/** The class's chapters, each with its picture, title and time; the summary and keywords above. */
export const ChaptersPanel = memo(function ChaptersPanel({
  timeline,
  playhead,
  decks,
  summary,
  complete,
  progress,
  onSeek,
  onSearch,
  onStaleThumbnail,
}: ChaptersPanelProps) {
  const current = usePlayheadValue(playhead, useCallback((ms: number) => chapterIndexAt(timeline, ms), [timeline]));
  const chapters = timeline.chapters;
  return (
    <section className="replay-chapters" aria-label="Chapters">
      <h2 className="visually-hidden">Chapters</h2>
      <div className="replay-panel__scroller">
        {summary !== null && (summary.sentences.length > 0 || summary.keywords.length > 0) ? (
          <section className="replay-summary" aria-labelledby="replay-summary-title">
            <h3 id="replay-summary-title" className="replay-panel__subtitle">
              In short
            </h3>
            {summary.sentences.length > 0 ? (
              <ul className="replay-summary__sentences">
                {summary.sentences.map((sentence, index) => (
                  <li key={index}>
                    <button type="button" className="replay-jump" onClick={() => onSeek(sentence.start_ms)}>
                      <span className="replay-time">{formatMediaTime(sentence.start_ms)}</span> {sentence.text}
                    </button>
                  </li>
                ))}
              </ul>
            ) : null}
            {summary.keywords.length > 0 ? (
              <ul className="replay-summary__keywords" aria-label="Keywords: search the class for one">
                {summary.keywords.map((keyword) => (
                  <li key={keyword}>
                    <button type="button" className="replay-keyword" onClick={() => onSearch(keyword)}>
                      {keyword}
                    </button>
                  </li>
                ))}
              </ul>
            ) : null}
          </section>
        ) : null}

        {chapters.length === 0 ? (
          <p className="replay-panel__note">
            {complete
              ? "This class has no chapters."
              : `Chapters are made with the transcript${progress ? ` (${progress})` : ""}. They appear here by themselves.`}
          </p>
        ) : (
          <ol className="replay-chapters__list">
            {chapters.map((chapter, index) => (
              <ChapterRow
                key={chapter.idx}
                chapter={chapter}
                number={index + 1}
                current={index === current}
                thumbnail={chapter.thumbnail_url ?? decks.page(chapter.slide_asset_id, chapter.slide_page)?.thumb_url ?? null}
                onSeek={onSeek}
                onStale={chapter.thumbnail_url ? onStaleThumbnail : decks.refresh}
              />
            ))}
          </ol>
        )}
      </div>
    </section>
  );
});

interface ChapterRowProps {
  chapter: Chapter;
  number: number;
  current: boolean;
  thumbnail: string | null;
  onSeek(ms: number): void;
  onStale(): void;
}

const ChapterRow = memo(function ChapterRow({ chapter, number, current, thumbnail, onSeek, onStale }: ChapterRowProps) {
  return (
    <li>
      <button
        type="button"
        className="replay-chapter"
        aria-current={current ? "true" : undefined}
        onClick={() => onSeek(chapter.start_ms)}
      >
        <span className="replay-chapter__picture">
          {thumbnail ? <img src={thumbnail} alt="" loading="lazy" onError={onStale} /> : <span aria-hidden="true">{number}</span>}
        </span>
        <span className="replay-chapter__text">
          <span className="replay-chapter__title">{chapter.title || `Chapter ${number}`}</span>
          <span className="replay-time">
            {formatMediaTime(chapter.start_ms)}
            <span className="visually-hidden"> to </span>
            <span aria-hidden="true"> – </span>
            {formatMediaTime(chapter.end_ms)}
          </span>
        </span>
      </button>
    </li>
  );
});
