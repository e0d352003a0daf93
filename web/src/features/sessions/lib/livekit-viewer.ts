/**
 * `ViewerSession` on LiveKit: joins the class's room with a subscribe-only token and
 * follows the teacher's camera and microphone. livekit-client is loaded on first use,
 * so pages without live media do not download it.
 */
import type { RemoteParticipant, RemoteTrack, Room } from "livekit-client";
import {
  type ConnectViewer,
  type TeacherMedia,
  type ViewerSession,
  Observable,
  describeMediaError,
  mediaConnectionOf,
} from "./media";
import { type RemotePerson, pickTeacherTracks } from "./teacher-tracks";

export const connectLiveKitViewer: ConnectViewer = (livekitUrl, token) => new LiveKitViewer(livekitUrl, token);

class LiveKitViewer implements ViewerSession {
  private readonly state = new Observable<TeacherMedia>({
    connection: "connecting",
    video: null,
    audio: null,
    audioBlocked: false,
    videoBlocked: false,
    error: null,
  });
  private room: Room | null = null;
  private closed = false;

  constructor(livekitUrl: string, token: string) {
    void this.open(livekitUrl, token);
  }

  get media(): TeacherMedia {
    return this.state.current;
  }

  subscribe(listener: (media: TeacherMedia) => void): () => void {
    return this.state.subscribe(listener);
  }

  async startAudio(): Promise<void> {
    await this.room?.startAudio();
    if (this.room) this.state.set({ audioBlocked: !this.room.canPlaybackAudio });
  }

  async startVideo(): Promise<void> {
    await this.room?.startVideo();
    if (this.room) this.state.set({ videoBlocked: !this.room.canPlaybackVideo });
  }

  disconnect(): void {
    this.closed = true;
    void this.room?.disconnect();
    this.room = null;
  }

  private async open(livekitUrl: string, token: string): Promise<void> {
    try {
      const { Room, RoomEvent } = await import("livekit-client");
      if (this.closed) return;
      // Adaptive stream: a phone showing a small player receives a small layer.
      const room = new Room({ adaptiveStream: true });
      this.room = room;
      const follow = () => this.followTeacher(room);
      room
        .on(RoomEvent.TrackSubscribed, follow)
        .on(RoomEvent.TrackUnsubscribed, follow)
        .on(RoomEvent.TrackMuted, follow)
        .on(RoomEvent.TrackUnmuted, follow)
        .on(RoomEvent.ParticipantConnected, follow)
        .on(RoomEvent.ParticipantDisconnected, follow)
        .on(RoomEvent.ParticipantMetadataChanged, follow)
        .on(RoomEvent.ConnectionStateChanged, (connection) =>
          this.state.set({ connection: mediaConnectionOf(connection) }),
        )
        .on(RoomEvent.AudioPlaybackStatusChanged, () => this.state.set({ audioBlocked: !room.canPlaybackAudio }))
        .on(RoomEvent.VideoPlaybackStatusChanged, () => this.state.set({ videoBlocked: !room.canPlaybackVideo }))
        .on(RoomEvent.Disconnected, () => this.state.set({ connection: "disconnected", video: null, audio: null }));
      await room.connect(livekitUrl, token);
      if (this.closed) {
        void room.disconnect();
        return;
      }
      this.state.set({ connection: mediaConnectionOf(room.state) });
      follow();
    } catch (error) {
      if (!this.closed) this.state.set({ connection: "failed", error: describeMediaError(error) });
    }
  }

  private followTeacher(room: Room): void {
    const people = [...room.remoteParticipants.values()].map(toPerson);
    const { video, audio } = pickTeacherTracks(people);
    this.state.set({ video, audio });
  }
}

function toPerson(participant: RemoteParticipant): RemotePerson<RemoteTrack> {
  return {
    identity: participant.identity,
    metadata: participant.metadata,
    publications: [...participant.trackPublications.values()].map((publication) => ({
      source: publication.source,
      track: publication.track,
      muted: publication.isMuted,
    })),
  };
}
