/** A LiveKit remote participant as `teacher-tracks.ts` reads people (type-only use of livekit-client). */
import type { RemoteParticipant, RemoteTrack } from "livekit-client";
import type { RemotePerson } from "./teacher-tracks";

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
