import { useCallback } from "react";
import type { ReplayDecks } from "../hooks/useReplayDecks";
import { usePlayheadValue } from "../hooks/usePlayheadValue";
import type { Playhead } from "../lib/playhead";
import { type ReplayTimeline, slideIndexAt } from "../lib/timeline";
import { SlideView } from "../../stage/components/SlideView";

interface CurrentSlideProps {
  timeline: ReplayTimeline;
  playhead: Playhead;
  decks: ReplayDecks;
  /** What to say when no slide was on screen (a camera scene, before the first deck). */
  empty: string;
}

/** The slide that was on screen at the playhead (the studio's own `SlideView`). */
export function CurrentSlide({ timeline, playhead, decks, empty }: CurrentSlideProps) {
  const index = usePlayheadValue(playhead, useCallback((ms: number) => slideIndexAt(timeline, ms), [timeline]));
  const span = index >= 0 ? timeline.slides[index] : undefined;
  if (!span || span.asset_id === null || span.page_no === null) {
    return <p className="stage__overlay replay-slide__empty">{empty}</p>;
  }
  const pageCount = decks.pageCount(span.asset_id) ?? span.page_no;
  return (
    <SlideView deck={{ asset_id: span.asset_id, filename: "", page_count: pageCount }} pageNo={span.page_no} audience="student" />
  );
}
