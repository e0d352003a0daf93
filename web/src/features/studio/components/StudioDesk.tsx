import { useMemo, useState } from "react";
import { SceneView } from "../../stage/components/SceneView";
import { streamTrack } from "../../stage/lib/stream-track";
import type { Participant, RaisedHand, StudioSnapshot } from "../../../api/types";
import type { LiveBroadcast } from "../hooks/useBroadcast";
import { BannerEditor } from "./BannerEditor";
import { DeckPanel } from "./DeckPanel";
import { SceneSwitcher } from "./SceneSwitcher";

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
}

/**
 * The host's controls of what the class sees: the program preview (exactly what students
 * get: scene, slide, screen, banner, people on stage), screen sharing, the scenes, the
 * slides and the banner.
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
    <div className="studio-desk">
      <section className="card studio-panel" aria-labelledby="studio-program-title">
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
        <div className="actions studio-desk__media">
          <button
            type="button"
            className={sharingScreen ? "button button--primary" : "button"}
            aria-pressed={sharingScreen}
            disabled={broadcast === null || broadcast.connection !== "connected" || sharing !== null}
            onClick={() => void toggleScreen()}
          >
            {sharing === "starting" ? "Choosing a screen…" : sharingScreen ? "Stop sharing" : "Share screen"}
          </button>
          {broadcast === null ? (
            <span className="muted small">Screen sharing starts once you're live.</span>
          ) : sharingScreen && !screenScene ? (
            <span className="muted small">Switch to a Screen scene to show it to the class.</span>
          ) : null}
        </div>
      </section>
      <SceneSwitcher sessionId={sessionId} studio={studio} canEdit={canEditScenes} />
      <DeckPanel sessionId={sessionId} courseId={courseId} studio={studio} />
      <BannerEditor sessionId={sessionId} banner={studio.banner} />
    </div>
  );
}
