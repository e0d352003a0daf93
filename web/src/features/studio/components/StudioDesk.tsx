import { type ReactNode, useMemo, useState } from "react";
import { SceneView } from "../../stage/components/SceneView";
import { streamTrack } from "../../stage/lib/stream-track";
import type { Participant, RaisedHand, StudioSnapshot } from "../../../api/types";
import type { LiveBroadcast } from "../hooks/useBroadcast";
import { useSlideControl } from "../hooks/useSlideControl";
import { useSlideKeys } from "../hooks/useSlideKeys";
import { steppedPage } from "../lib/slide-keys";
import { BannerEditor } from "./BannerEditor";
import { DeckPanel } from "./DeckPanel";
import { SceneSwitcher } from "./SceneSwitcher";
import { SlideNavigator } from "./SlideNavigator";

interface StudioDeskProps {
  sessionId: string;
  courseId: string;
  studio: StudioSnapshot;
  hands: readonly RaisedHand[];
  /** The class's people (names for tiles of people not in the media room yet). */
  participants: readonly Participant[] | null;
  /** The host's camera and microphone from the device check. */
  cameraStream: MediaStream | null;
  /** Null until the host broadcasts. */
  broadcast: LiveBroadcast | null;
  /** May add, rename, reorder and delete scenes (`studio.edit`), not only switch them. */
  canEditScenes: boolean;
  /** Whether the class is live (before that, screen sharing waits for Go live). */
  live: boolean;
  /** The host's own camera and its controls: first in the controls column. */
  setup: ReactNode;
}

/**
 * The host's controls of what the class sees, as two columns of the studio's grid: the
 * program preview (exactly what students get: scene, slide, screen, banner, people on
 * stage) with ◀ page ▶, screen sharing and the banner under it; then the controls — the
 * host's own camera (`setup`), the scenes and the slides.
 */
export function StudioDesk({
  sessionId,
  courseId,
  studio,
  hands,
  participants,
  cameraStream,
  broadcast,
  canEditScenes,
  live,
  setup,
}: StudioDeskProps) {
  const camera = useMemo(() => (cameraStream ? streamTrack(cameraStream) : null), [cameraStream]);
  const names = useMemo(
    () =>
      new Map([
        ...(participants ?? []).map((person) => [person.user_id, person.display_name] as const),
        ...hands.map((hand) => [hand.user_id, hand.display_name] as const),
      ]),
    [participants, hands],
  );
  const [sharing, setSharing] = useState<"starting" | "stopping" | null>(null);
  const sharingScreen = broadcast?.screen != null;
  const layout = studio.active_layout;
  const screenScene = layout === "screen" || layout === "screen_camera";
  const slides = useSlideControl(sessionId, studio);
  useSlideKeys(studio.deck !== null, (step) => {
    const next = steppedPage(slides.page, step, slides.pageCount);
    if (next !== null) slides.go(next);
  });

  async function toggleScreen() {
    if (broadcast === null) return;
    setSharing(sharingScreen ? "stopping" : "starting");
    try {
      await broadcast.shareScreen(!sharingScreen);
    } finally {
      setSharing(null);
    }
  }

  return (
    <>
      <div className="studio-grid__program">
        <section className="card studio-panel studio-program" aria-labelledby="studio-program-title">
          <h2 id="studio-program-title">What students see</h2>
          <SceneView
            studio={studio}
            audience="host"
            label="Program preview"
            camera={camera}
            cameraLabel="Your camera in the program"
            cameraMirrored
            cameraNotice={camera === null ? "Your camera is off." : null}
            screen={broadcast?.screen ?? null}
            people={broadcast?.people ?? []}
            names={names}
          />
          <div className="studio-toolbar">
            {studio.deck ? <SlideNavigator control={slides} /> : null}
            <div className="actions studio-toolbar__media">
              <button
                type="button"
                className={sharingScreen ? "button button--primary" : "button"}
                aria-pressed={sharingScreen}
                disabled={broadcast === null || broadcast.connection !== "connected" || sharing !== null}
                onClick={() => void toggleScreen()}
              >
                {sharing === "starting" ? "Choosing a screen…" : sharingScreen ? "Stop sharing" : "Share screen"}
              </button>
              <ScreenHint live={live} broadcasting={broadcast !== null} sharingHidden={sharingScreen && !screenScene} />
            </div>
          </div>
          {slides.error ? (
            <p className="field__error" role="alert">
              {slides.error}
            </p>
          ) : null}
        </section>
        <BannerEditor sessionId={sessionId} banner={studio.banner} />
      </div>
      <div className="studio-grid__controls">
        {setup}
        <SceneSwitcher sessionId={sessionId} studio={studio} canEdit={canEditScenes} />
        <DeckPanel sessionId={sessionId} courseId={courseId} studio={studio} control={slides} />
      </div>
    </>
  );
}

/** What the Share screen button is waiting for, in the words of the class's state. */
function ScreenHint({ live, broadcasting, sharingHidden }: { live: boolean; broadcasting: boolean; sharingHidden: boolean }) {
  if (!live) return <span className="muted small">Screen sharing starts once you're live.</span>;
  if (!broadcasting) return <span className="muted small">Screen sharing waits for your video link to the class.</span>;
  if (sharingHidden) return <span className="muted small">Switch to a Screen scene to show it to the class.</span>;
  return null;
}
