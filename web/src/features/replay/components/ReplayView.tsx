import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Replay, SearchHit } from "../../../api/types";
import { useCopyToClipboard } from "../../invites/hooks/useCopyToClipboard";
import { useCaptions } from "../hooks/useCaptions";
import { useDownload } from "../hooks/useDownload";
import { usePlayerKeys } from "../hooks/usePlayerKeys";
import { usePositionSaver } from "../hooks/usePositionSaver";
import { useReplayChat } from "../hooks/useReplayChat";
import { useReplayDecks } from "../hooks/useReplayDecks";
import { useReplayPlayer } from "../hooks/useReplayPlayer";
import { useReplaySearch } from "../hooks/useReplaySearch";
import { useTranscript } from "../hooks/useTranscript";
import type { PlayerCommand } from "../lib/keyboard";
import { startSeconds } from "../lib/playback";
import { Playhead } from "../lib/playhead";
import { replayPath } from "../lib/replay-paths";
import { progressLabel } from "../lib/replay-state";
import { buildTimeline } from "../lib/timeline";
import { ChaptersPanel } from "./ChaptersPanel";
import { ClassPanel } from "./ClassPanel";
import { CurrentSlide } from "./CurrentSlide";
import { KeyboardHelp } from "./KeyboardHelp";
import { type PanelName, ReplayPanels } from "./ReplayPanels";
import { ReplayPlayer } from "./ReplayPlayer";
import { ReplaySearchBox } from "./ReplaySearchBox";
import { TranscriptPanel } from "./TranscriptPanel";

interface ReplayViewProps {
  sessionId: string;
  replay: Replay;
  requestedAt: number;
  refresh(): Promise<boolean>;
  title: string;
  /** `?t=` in seconds. */
  linkSeconds: number | null;
  /** `?q=`. */
  initialQuery: string;
}

/**
 * A replay that can be played: the player (and the slide on screen), search, and the
 * Transcript / Chapters / Class panels, all following one playhead.
 *
 * Rendered from the manifest at once; the transcript's first page comes right after, its
 * other pages and the chat in the background. The playhead lives outside React state
 * (`Playhead`): a tick re-renders only what changed at that moment.
 */
export function ReplayView({ sessionId, replay, requestedAt, refresh, title, linkSeconds, initialQuery }: ReplayViewProps) {
  // Where to start is decided once, when the page opens.
  const [startAt] = useState(() =>
    startSeconds({ linkSeconds, positionMs: replay.position_ms, durationMs: replay.duration_ms }),
  );
  const [playhead] = useState(() => new Playhead(startAt * 1000));
  const { slides, chapters, questions, polls } = replay;
  const timeline = useMemo(() => buildTimeline({ slides, chapters, questions, polls }), [slides, chapters, questions, polls]);
  const complete = replay.status === "ready";
  const progress = progressLabel(replay.progress);

  const transcript = useTranscript(sessionId, true, complete ? "ready" : "partial");
  const chat = useReplayChat(sessionId);
  const captions = useCaptions(sessionId, complete);
  const assetIds = useMemo(
    () =>
      [...timeline.slides.map((span) => span.asset_id), ...timeline.chapters.map((chapter) => chapter.slide_asset_id)].filter(
        (id): id is string => id !== null,
      ),
    [timeline],
  );
  const decks = useReplayDecks(assetIds);
  const player = useReplayPlayer({ media: replay.media, requestedAt, refresh, playhead, startAt, durationMs: replay.duration_ms });
  const { seek } = player;

  const positions = usePositionSaver(sessionId, playhead, player.playing, player.started);
  const wasPlaying = useRef(false);
  useEffect(() => {
    if (wasPlaying.current && !player.playing) positions.save();
    wasPlaying.current = player.playing;
  }, [player.playing, positions]);

  // A new `?t=` while the page is open (a link to another moment of this class).
  const firstLink = useRef(linkSeconds);
  useEffect(() => {
    if (linkSeconds === firstLink.current) return;
    firstLink.current = linkSeconds;
    if (linkSeconds !== null) seek(linkSeconds * 1000);
  }, [linkSeconds, seek]);

  const onJump = useCallback((hit: SearchHit) => seek(hit.start_ms), [seek]);
  const search = useReplaySearch(sessionId, initialQuery, onJump);
  const found = useMemo(
    () => new Set(search.hits.filter((hit) => hit.kind === "transcript" && hit.idx !== null).map((hit) => hit.idx as number)),
    [search.hits],
  );
  const [tab, setTab] = useState<PanelName>("transcript");
  const downloads = useDownload(sessionId, title);
  const copy = useCopyToClipboard();
  const [copiedLink, setCopiedLink] = useState<string | null>(null);
  const captionsReady = captions.status === "ready";

  usePlayerKeys((command: PlayerCommand) => {
    switch (command.type) {
      case "toggle-play":
        return player.togglePlay();
      case "seek-by":
        return player.seekBy(command.seconds);
      case "toggle-captions":
        return captionsReady ? player.toggleCaptions() : undefined;
      case "toggle-mute":
        return player.toggleMute();
      case "faster":
        return player.faster();
      case "slower":
        return player.slower();
      case "next-hit":
        return search.next();
      case "previous-hit":
        return search.previous();
    }
  });

  async function copyLink() {
    const link = `${window.location.origin}${replayPath(sessionId, { atMs: playhead.get() })}`;
    setCopiedLink(link);
    await copy.copy(link);
  }
  const linkNotice =
    copy.status === "copied" ? "Link to this moment copied." : copy.status === "manual" && copiedLink ? `Copy this link: ${copiedLink}` : null;

  const hasSlides = timeline.slides.some((span) => span.asset_id !== null);
  const onSearch = search.searchFor;
  const onStaleThumbnail = useCallback(() => void refresh(), [refresh]);

  return (
    <div className="replay-layout">
      <div className="replay-layout__main">
        {!complete ? (
          <p className="notice replay-partial">
            The transcript, chapters and captions are being made{progress ? ` (${progress})` : ""}. You can watch already; they
            appear by themselves.
          </p>
        ) : null}
        <ReplayPlayer
          player={player}
          playhead={playhead}
          captions={captions}
          title={title}
          picture={
            <CurrentSlide
              timeline={timeline}
              playhead={playhead}
              decks={decks}
              empty={hasSlides ? "No slide on screen at this point" : "Audio recording"}
            />
          }
          chapters={timeline.chapters}
          highlights={replay.highlights}
          hits={search.hits}
          currentHit={search.current}
          onCopyLink={() => void copyLink()}
          linkNotice={linkNotice}
        />
        {!player.audioOnly && hasSlides ? (
          <section className="replay-slide" aria-label="Slide on screen">
            <div className="stage replay-slide__frame">
              <CurrentSlide timeline={timeline} playhead={playhead} decks={decks} empty="No slide on screen at this point" />
            </div>
          </section>
        ) : null}
        <KeyboardHelp />
      </div>
      <div className="replay-layout__side">
        <ReplaySearchBox search={search} />
        <ReplayPanels tab={tab} onTab={setTab}>
          {{
            transcript: (
              <TranscriptPanel
                transcript={transcript}
                playhead={playhead}
                onSeek={seek}
                visible={tab === "transcript"}
                complete={complete}
                progress={progress}
                found={found}
                downloads={downloads}
              />
            ),
            chapters: (
              <ChaptersPanel
                timeline={timeline}
                playhead={playhead}
                decks={decks}
                summary={replay.summary}
                complete={complete}
                progress={progress}
                onSeek={seek}
                onSearch={onSearch}
                onStaleThumbnail={onStaleThumbnail}
              />
            ),
            class: <ClassPanel timeline={timeline} highlights={replay.highlights} chat={chat} playhead={playhead} onSeek={seek} />,
          }}
        </ReplayPanels>
      </div>
    </div>
  );
}
