/**
 * `ViewerSession` on LiveKit: joins the class's room with a subscribe-only token and
 * follows the teacher's camera, microphone and shared screen, and everyone else's camera
 * (students on stage). When the server lets this student publish (brought on stage:
 * LiveKit's `ParticipantPermissionsChanged`), their camera and microphone go out; when
 * it takes that back, they stop. livekit-client is loaded on first use, so pages
 * without live media do not download it.
 */
import type { Room } from "livekit-client";
import {
  type ConnectViewer,
  type TeacherMedia,
  type ViewerSession,
  NO_TEACHER_MEDIA,
  Observable,
  describeMediaError,
  mediaConnectionOf,
} from "./media";
import { onPeopleChanged, ownVideo, toRemotePerson } from "./livekit-people";
import { otherPeople, pickTeacherTracks } from "./teacher-tracks";

export const connectLiveKitViewer: ConnectViewer = (livekitUrl, token) => new LiveKitViewer(livekitUrl, token);

class LiveKitViewer implements ViewerSession {
  private readonly state = new Observable<TeacherMedia>(NO_TEACHER_MEDIA);
  private room: Room | null = null;
  private closed = false;
  /** Whether my camera and microphone should be out: follows LiveKit's canPublish. */
  private publishing = false;

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
      onPeopleChanged(room, RoomEvent, follow)
        .on(RoomEvent.ParticipantMetadataChanged, follow)
        .on(RoomEvent.ConnectionStateChanged, (connection) =>
          this.state.set({ connection: mediaConnectionOf(connection) }),
        )
        .on(RoomEvent.AudioPlaybackStatusChanged, () => this.state.set({ audioBlocked: !room.canPlaybackAudio }))
        .on(RoomEvent.VideoPlaybackStatusChanged, () => this.state.set({ videoBlocked: !room.canPlaybackVideo }))
        .on(RoomEvent.ParticipantPermissionsChanged, (_previous, participant) => {
          if (participant === room.localParticipant) void this.followPermissions(room);
        })
        .on(RoomEvent.LocalTrackPublished, () => this.followOwnCamera(room))
        .on(RoomEvent.LocalTrackUnpublished, () => this.followOwnCamera(room))
        .on(RoomEvent.Disconnected, () =>
          this.state.set({ connection: "disconnected", video: null, audio: null, screen: null, people: [], ownCamera: null }),
        );
      await room.connect(livekitUrl, token);
      if (this.closed) {
        void room.disconnect();
        return;
      }
      this.state.set({ connection: mediaConnectionOf(room.state) });
      follow();
      // A student already on stage gets a token that may publish.
      await this.followPermissions(room);
    } catch (error) {
      if (!this.closed) this.state.set({ connection: "failed", error: describeMediaError(error) });
    }
  }

  private followTeacher(room: Room): void {
    const people = [...room.remoteParticipants.values()].map(toRemotePerson);
    const teacher = pickTeacherTracks(people);
    this.state.set({
      video: teacher.video,
      audio: teacher.audio,
      screen: teacher.screen,
      people: otherPeople(people, teacher.identity),
    });
  }

  private followOwnCamera(room: Room): void {
    this.state.set({ ownCamera: ownVideo(room, "camera") });
  }

  /** On stage (may publish): camera and microphone on; taken off stage: both off. */
  private async followPermissions(room: Room): Promise<void> {
    const canPublish = room.localParticipant.permissions?.canPublish ?? false;
    this.state.set({ canPublish });
    if (canPublish === this.publishing || this.closed) return;
    this.publishing = canPublish;
    const participant = room.localParticipant;
    try {
      if (canPublish) {
        // Both at once: one permission prompt.
        await participant.enableCameraAndMicrophone();
      } else {
        // The server has unpublished them already; unpublishing here too stops the devices.
        const tracks = [...participant.trackPublications.values()].flatMap((publication) =>
          publication.track ? [publication.track] : [],
        );
        await participant.unpublishTracks(tracks);
      }
      if (!this.closed) this.state.set({ error: null });
    } catch (error) {
      if (!this.closed && canPublish) this.state.set({ error: describeMediaError(error) });
    }
  }
}
