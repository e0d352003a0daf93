/**
 * Fakes of the live class's I/O for component tests (tests only): live sockets
 * (`FakeSockets`), LiveKit viewer and broadcast sessions the test drives, and a camera
 * that hands out fake tracks.
 */
import { FakeSockets } from "../../../events/testing/fake-socket";
import type { LiveServices } from "../live-services";
import {
  type AttachableTrack,
  type Broadcast,
  type BroadcastSession,
  NO_BROADCAST,
  NO_TEACHER_MEDIA,
  Observable,
  type TeacherMedia,
  type ViewerSession,
} from "../lib/media";

export class FakeViewer implements ViewerSession {
  private readonly state = new Observable<TeacherMedia>(NO_TEACHER_MEDIA);
  disconnected = false;
  audioStarts = 0;

  constructor(
    readonly livekitUrl: string,
    readonly token: string,
  ) {}

  get media(): TeacherMedia {
    return this.state.current;
  }

  subscribe(listener: (media: TeacherMedia) => void): () => void {
    return this.state.subscribe(listener);
  }

  async startAudio(): Promise<void> {
    this.audioStarts += 1;
    this.state.set({ audioBlocked: false });
  }

  async startVideo(): Promise<void> {
    this.state.set({ videoBlocked: false });
  }

  disconnect(): void {
    this.disconnected = true;
  }

  /** The test plays LiveKit: connection changes, tracks arriving, autoplay refusals. */
  emit(change: Partial<TeacherMedia>): void {
    this.state.set(change);
  }
}

export class FakeBroadcast implements BroadcastSession {
  private readonly state = new Observable<Broadcast>(NO_BROADCAST);
  disconnected = false;
  /** What the host asked of screen sharing, in order. */
  readonly screenShares: boolean[] = [];

  constructor(
    readonly livekitUrl: string,
    readonly token: string,
    readonly tracks: readonly MediaStreamTrack[],
  ) {}

  get broadcast(): Broadcast {
    return this.state.current;
  }

  subscribe(listener: (broadcast: Broadcast) => void): () => void {
    return this.state.subscribe(listener);
  }

  async shareScreen(enabled: boolean): Promise<void> {
    this.screenShares.push(enabled);
    this.state.set({ screen: enabled ? new FakeRemoteTrack("video") : null });
  }

  disconnect(): void {
    this.disconnected = true;
  }

  emit(change: Partial<Broadcast>): void {
    this.state.set(change);
  }
}

/** A track that records where it was shown. */
export class FakeRemoteTrack implements AttachableTrack {
  readonly elements = new Set<HTMLMediaElement>();

  constructor(readonly kind: "video" | "audio") {}

  attach(element: HTMLMediaElement): HTMLMediaElement {
    this.elements.add(element);
    return element;
  }

  detach(element: HTMLMediaElement): HTMLMediaElement {
    this.elements.delete(element);
    return element;
  }
}

interface FakeTrack {
  kind: string;
  readyState: "live" | "ended";
  stop(): void;
}

/** A MediaStream-shaped object with fake camera and microphone tracks. */
export function aFakeStream(kinds: readonly ("video" | "audio")[] = ["video", "audio"]): MediaStream {
  const tracks: FakeTrack[] = kinds.map((kind) => ({
    kind,
    readyState: "live" as FakeTrack["readyState"],
    stop() {
      this.readyState = "ended";
    },
  }));
  const stream = {
    getTracks: () => [...tracks],
    getVideoTracks: () => tracks.filter((track) => track.kind === "video"),
    getAudioTracks: () => tracks.filter((track) => track.kind === "audio"),
  };
  return stream as unknown as MediaStream;
}

export interface FakeLive {
  services: LiveServices;
  sockets: FakeSockets;
  viewers: FakeViewer[];
  broadcasts: FakeBroadcast[];
  /** Sessions each socket was opened for, in order. */
  socketSessions: string[];
  streams: MediaStream[];
}

export function fakeLiveServices(options: { camera?: () => Promise<MediaStream> } = {}): FakeLive {
  const sockets = new FakeSockets();
  const fake: FakeLive = {
    sockets,
    viewers: [],
    broadcasts: [],
    socketSessions: [],
    streams: [],
    services: {
      liveSocket: (sessionId) => (handlers) => {
        fake.socketSessions.push(sessionId);
        return sockets.connect(handlers);
      },
      connectViewer: (url, token) => {
        const viewer = new FakeViewer(url, token);
        fake.viewers.push(viewer);
        return viewer;
      },
      startBroadcast: (url, token, tracks) => {
        const broadcast = new FakeBroadcast(url, token, tracks);
        fake.broadcasts.push(broadcast);
        return broadcast;
      },
      getUserMedia: async () => {
        const stream = await (options.camera ?? (async () => aFakeStream()))();
        fake.streams.push(stream);
        return stream;
      },
    },
  };
  return fake;
}
