/**
 * `BroadcastSession` on LiveKit: joins the class's room with the host's token and
 * publishes the camera and microphone the device check opened. The tracks belong to
 * the device check (its preview keeps showing them), so leaving the room does not stop
 * them. livekit-client is loaded on first use.
 */
import type { Room } from "livekit-client";
import {
  type Broadcast,
  type BroadcastSession,
  type StartBroadcast,
  Observable,
  describeMediaError,
  mediaConnectionOf,
} from "./media";

export const startLiveKitBroadcast: StartBroadcast = (livekitUrl, token, tracks) =>
  new LiveKitBroadcast(livekitUrl, token, tracks);

class LiveKitBroadcast implements BroadcastSession {
  private readonly state = new Observable<Broadcast>({
    connection: "connecting",
    publishing: { camera: false, microphone: false },
    error: null,
  });
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

  disconnect(): void {
    this.closed = true;
    void this.room?.disconnect(false);
    this.room = null;
  }

  private async open(livekitUrl: string, token: string, tracks: readonly MediaStreamTrack[]): Promise<void> {
    try {
      const { Room, RoomEvent, Track } = await import("livekit-client");
      if (this.closed) return;
      // Dynacast: layers nobody watches are not encoded.
      const room = new Room({ dynacast: true, stopLocalTrackOnUnpublish: false });
      this.room = room;
      room
        .on(RoomEvent.ConnectionStateChanged, (connection) =>
          this.state.set({ connection: mediaConnectionOf(connection) }),
        )
        .on(RoomEvent.Disconnected, () =>
          this.state.set({ connection: "disconnected", publishing: { camera: false, microphone: false } }),
        );
      await room.connect(livekitUrl, token);
      if (this.closed) {
        void room.disconnect(false);
        return;
      }
      this.state.set({ connection: mediaConnectionOf(room.state) });
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
}
