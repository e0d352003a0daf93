/**
 * What both LiveKit sessions read from a room: the people in it, as `teacher-tracks.ts`
 * reads them, and my own published video. Type-only use of livekit-client, so importing
 * this module does not load it.
 */
import type { LocalTrack, RemoteParticipant, RemoteTrack, Room, RoomEvent } from "livekit-client";
import type { RemotePerson } from "./teacher-tracks";

/** Calls `follow` whenever who is in the room, or what they publish, may have changed. */
export function onPeopleChanged(room: Room, events: typeof RoomEvent, follow: () => void): Room {
  return room
    .on(events.TrackSubscribed, follow)
    .on(events.TrackUnsubscribed, follow)
    .on(events.TrackMuted, follow)
    .on(events.TrackUnmuted, follow)
    .on(events.ParticipantConnected, follow)
    .on(events.ParticipantDisconnected, follow);
}

/** My own published video from `source` (the camera, or a shared screen), if any. */
export function ownVideo(room: Room, source: "camera" | "screen_share"): LocalTrack | null {
  const publication = [...room.localParticipant.videoTrackPublications.values()].find(
    (candidate) => (candidate.source as string) === source,
  );
  return publication?.track ?? null;
}

export function toRemotePerson(participant: RemoteParticipant): RemotePerson<RemoteTrack> {
  return {
    identity: participant.identity,
    name: participant.name,
    metadata: participant.metadata,
    publications: [...participant.trackPublications.values()].map((publication) => ({
      source: publication.source,
      track: publication.track,
      muted: publication.isMuted,
    })),
  };
}
