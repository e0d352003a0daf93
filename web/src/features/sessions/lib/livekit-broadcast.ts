/**
 * `BroadcastSession` on LiveKit: joins the class's room with the host's token and
 * publishes the camera and microphone the device check opened. The tracks belong to
 * the device check (its preview keeps showing them), so leaving the room does not stop
 * them. The host may also share a screen (stopped when unshared), and receives the
 * cameras of students on stage. livekit-client is loaded on first use.
 */
import type { Room } from "livekit-client";
import {
  type Broadcast,
  type BroadcastSession,
  type StartBroadcast,
  NO_BROADCAST,
  Observable,
  describeMediaError,
  mediaConnectionOf,
} from "./media";
import { onPeopleChanged, ownVideo, toRemotePerson } from "./livekit-people";
import { otherPeople } from "./teacher-tracks";

export const startLiveKitBroadcast: StartBroadcast = (livekitUrl, token, tracks) =>
  new LiveKitBroadcast(livekitUrl, token, tracks);

class LiveKitBroadcast implements BroadcastSession {
  private readonly state = new Observable<Broadcast>(NO_BROADCAST);
  private room: Room | null = null;
  private closed = false;

  constructor(livekitUrl: string, token: string, tracks: readonly MediaStreamTrack[]) {
    void this.open(livekitUrl, token, tracks);
  }

  get broadcast(): Broadcast {
    return this.state.current;
  }

  subscribe(listener: (broadcast: Broadcast) => void): () => void {
    return this.state.subscribe(listener);
  }

  async shareScreen(enabled: boolean): Promise<void> {
    const room = this.room;
    if (room === null) return;
    const { Track } = await import("livekit-client");
    try {
      if (enabled) {
        await room.localParticipant.setScreenShareEnabled(true, { audio: false });
      } else {
        const screen = room.localParticipant.getTrackPublication(Track.Source.ScreenShare)?.track;
        // Unpublished and stopped: this room keeps the camera's tracks on unpublish, not the screen's.
        if (screen) await room.localParticipant.unpublishTrack(screen, true);
      }
      this.state.set({ error: null });
    } catch (error) {
      // Closing the browser's picker is a choice, not a failure.
      if (!(error instanceof Error && error.name === "NotAllowedError")) {
        this.state.set({ error: describeMediaError(error) });
      }
    } finally {
      this.followScreen(room);
    }
  }

  disconnect(): void {
    this.closed = true;
    const room = this.room;
    if (room) {
      void import("livekit-client").then(({ Track }) => {
        room.localParticipant.getTrackPublication(Track.Source.ScreenShare)?.track?.stop();
      });
      void room.disconnect(false);
    }
    this.room = null;
  }

  private async open(livekitUrl: string, token: string, tracks: readonly MediaStreamTrack[]): Promise<void> {
    try {
      const { Room, RoomEvent, Track } = await import("livekit-client");
      if (this.closed) return;
      // Dynacast: layers nobody watches are not encoded.
      const room = new Room({ dynacast: true, stopLocalTrackOnUnpublish: false });
      this.room = room;
      const followPeople = () => this.followPeople(room);
      const followScreen = () => this.followScreen(room);
      onPeopleChanged(room, RoomEvent, followPeople)
        .on(RoomEvent.ConnectionStateChanged, (connection) =>
          this.state.set({ connection: mediaConnectionOf(connection) }),
        )
        .on(RoomEvent.LocalTrackPublished, followScreen)
        .on(RoomEvent.LocalTrackUnpublished, followScreen)
        .on(RoomEvent.Disconnected, () =>
          this.state.set({
            connection: "disconnected",
            publishing: { camera: false, microphone: false },
            screen: null,
            people: [],
          }),
        );
      await room.connect(livekitUrl, token);
      if (this.closed) {
        void room.disconnect(false);
        return;
      }
      this.state.set({ connection: mediaConnectionOf(room.state) });
      followPeople();
      for (const track of tracks) {
        if (track.readyState === "ended") continue;
        const camera = track.kind === "video";
        await room.localParticipant.publishTrack(track, {
          source: camera ? Track.Source.Camera : Track.Source.Microphone,
          name: camera ? "camera" : "microphone",
          simulcast: camera,
        });
        if (this.closed) return;
        const { publishing } = this.state.current;
        this.state.set({ publishing: camera ? { ...publishing, camera: true } : { ...publishing, microphone: true } });
      }
    } catch (error) {
      if (!this.closed) this.state.set({ connection: "failed", error: describeMediaError(error) });
    }
  }

  private followPeople(room: Room): void {
    const people = [...room.remoteParticipants.values()].map(toRemotePerson);
    this.state.set({ people: otherPeople(people, room.localParticipant.identity) });
  }

  private followScreen(room: Room): void {
    this.state.set({ screen: ownVideo(room, "screen_share") });
  }
}
