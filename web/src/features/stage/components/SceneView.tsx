import type { StudioSnapshot } from "../../../api/types";
import type { AttachableTrack, RoomPerson } from "../../sessions/lib/media";
import { partsOf } from "../lib/scene-layout";
import { type Me, type StageGuest, stageGuests } from "../lib/stage-guests";
import { SlideView } from "./SlideView";
import { TrackAudio, TrackVideo } from "./TrackVideo";

export interface SceneViewProps {
  studio: StudioSnapshot;
  /** Whose screen: the empty states speak to the teacher or to a student. */
  audience: "host" | "student";
  /** The region's name: "Class stage", "Program preview". */
  label: string;
  camera: AttachableTrack | null;
  cameraLabel: string;
  cameraMirrored?: boolean;
  /** Said over the camera while there is no picture (connecting, camera off). */
  cameraNotice: string | null;
  screen: AttachableTrack | null;
  /** Everyone else in the media room. */
  people: readonly RoomPerson[];
  /** Names of people on stage who are not (yet) in the media room. */
  names?: ReadonlyMap<string, string>;
  me?: Me | null;
}

const NO_NAMES: ReadonlyMap<string, string> = new Map();

/**
 * What the class sees: the active scene's layout — the teacher's camera, the current
 * slide, the shared screen or an empty whiteboard, with the camera in a corner for the
 * "+ camera" layouts — the banner, and inside the picture a named tile for each person on
 * stage. The classroom
 * shows it; the studio shows it as the program preview.
 */
export function SceneView({
  studio,
  audience,
  label,
  camera,
  cameraLabel,
  cameraMirrored = false,
  cameraNotice,
  screen,
  people,
  names = NO_NAMES,
  me = null,
}: SceneViewProps) {
  const layout = studio.active_layout ?? "camera";
  const parts = partsOf(studio.active_layout);
  const guests = stageGuests(studio.stage, people, names, me);
  const cameraPicture = (
    <>
      <TrackVideo track={camera} label={cameraLabel} mirrored={cameraMirrored} />
      {cameraNotice ? (
        <p className="stage__overlay" role="status">
          {cameraNotice}
        </p>
      ) : null}
    </>
  );

  return (
    <section className="scene" aria-label={label} data-layout={layout}>
      <div className={`stage scene__main scene__main--${parts.main}${guests.length > 0 ? " scene__main--guests" : ""}`}>
        {parts.main === "camera" ? cameraPicture : null}
        {parts.main === "slide" ? <SlideView deck={studio.deck} pageNo={studio.page_no} audience={audience} /> : null}
        {parts.main === "screen" ? (
          <>
            <TrackVideo track={screen} label="Shared screen" />
            {screen === null ? (
              <p className="stage__overlay">
                {audience === "host" ? "You're not sharing a screen: use Share screen." : "The teacher isn't sharing a screen yet."}
              </p>
            ) : null}
          </>
        ) : null}
        {parts.main === "board" ? <div className="scene__board" role="img" aria-label="Whiteboard" /> : null}
        {parts.cameraInset ? <div className="scene__inset">{cameraPicture}</div> : null}
        {/* People on stage are part of the picture: beside the teacher, each with their name. */}
        {guests.length > 0 ? (
          <ul className="scene__guests" aria-label="On stage">
            {guests.map((guest) => (
              <li key={guest.userId}>
                <GuestTile guest={guest} />
              </li>
            ))}
          </ul>
        ) : null}
        <div className="scene__banner-region" aria-live="polite">
          {studio.banner ? <p className="scene__banner">{studio.banner}</p> : null}
        </div>
      </div>
    </section>
  );
}

function GuestTile({ guest }: { guest: StageGuest }) {
  return (
    <figure className="guest-tile">
      <div className="stage guest-tile__picture">
        <TrackVideo track={guest.video} label={guest.self ? "Your camera" : `${guest.name}'s camera`} mirrored={guest.self} />
        {guest.video === null ? <p className="stage__overlay">{guest.self ? "Starting your camera…" : "Camera off"}</p> : null}
      </div>
      {guest.audio !== null && !guest.self ? <TrackAudio track={guest.audio} /> : null}
      <figcaption className="guest-tile__name">{guest.name}</figcaption>
    </figure>
  );
}
