/**
 * Live media (LiveKit) as the screens use it, behind two small interfaces so that
 * components depend on what they need, not on livekit-client: the classroom watches the
 * teacher (`ViewerSession`), the studio broadcasts (`BroadcastSession`). The LiveKit
 * implementations are `livekit-viewer.ts` and `livekit-broadcast.ts`; component tests
 * use fakes.
 */

/** A connection to the class's media room, as people would describe it. */
export type MediaConnection = "connecting" | "connected" | "reconnecting" | "disconnected" | "failed";

/** A remote track the page can show in (and take out of) a media element. */
export interface AttachableTrack {
  attach(element: HTMLMediaElement): unknown;
  detach(element: HTMLMediaElement): unknown;
}

/** Someone else in the media room, with the tracks of theirs this page receives. */
export interface RoomPerson {
  /** LiveKit identity: the user id. */
  identity: string;
  name: string;
  camera: AttachableTrack | null;
  microphone: AttachableTrack | null;
}

export interface TeacherMedia {
  connection: MediaConnection;
  /** The teacher's camera, once subscribed (null while it is off or not published). */
  video: AttachableTrack | null;
  audio: AttachableTrack | null;
  /** The teacher's shared screen, while they share it. */
  screen: AttachableTrack | null;
  /** Everyone else in the room (students on stage send their camera here). */
  people: readonly RoomPerson[];
  /** LiveKit lets me publish: the teacher brought me on stage (my camera and microphone go out). */
  canPublish: boolean;
  /** My own camera while I am on stage, for my tile. */
  ownCamera: AttachableTrack | null;
  /** The browser refused to play sound without a gesture: offer a button. */
  audioBlocked: boolean;
  /** The browser refused to play video without a gesture (rare: video starts muted). */
  videoBlocked: boolean;
  error: string | null;
}

/** One student's connection to the class's media room; connects when created. */
export interface ViewerSession {
  readonly media: TeacherMedia;
  subscribe(listener: (media: TeacherMedia) => void): () => void;
  /** Plays sound after a user gesture (the "Turn on sound" button). */
  startAudio(): Promise<void>;
  startVideo(): Promise<void>;
  disconnect(): void;
}

export type ConnectViewer = (livekitUrl: string, token: string) => ViewerSession;

/** A viewer's media before the room has said anything. */
export const NO_TEACHER_MEDIA: TeacherMedia = {
  connection: "connecting",
  video: null,
  audio: null,
  screen: null,
  people: [],
  canPublish: false,
  ownCamera: null,
  audioBlocked: false,
  videoBlocked: false,
  error: null,
};

export interface Broadcast {
  connection: MediaConnection;
  /** Which of the host's tracks are being sent. */
  publishing: { camera: boolean; microphone: boolean };
  /** The host's shared screen, for the preview; null when not sharing. */
  screen: AttachableTrack | null;
  /** Everyone else in the room (students on stage). */
  people: readonly RoomPerson[];
  error: string | null;
}

/** The host's connection to the media room, sending the given camera and microphone. */
export interface BroadcastSession {
  readonly broadcast: Broadcast;
  subscribe(listener: (broadcast: Broadcast) => void): () => void;
  /** Starts (asking the browser which screen) or stops sharing the host's screen. */
  shareScreen(enabled: boolean): Promise<void>;
  /** Leaves the room; the tracks stay with their owner (the device check). */
  disconnect(): void;
}

export type StartBroadcast = (livekitUrl: string, token: string, tracks: readonly MediaStreamTrack[]) => BroadcastSession;

/** A broadcast before the room has said anything. */
export const NO_BROADCAST: Broadcast = {
  connection: "connecting",
  publishing: { camera: false, microphone: false },
  screen: null,
  people: [],
  error: null,
};

/** A simple observable value, shared by the implementations. */
export class Observable<T> {
  private value: T;
  private readonly listeners = new Set<(value: T) => void>();

  constructor(initial: T) {
    this.value = initial;
  }

  get current(): T {
    return this.value;
  }

  set(change: Partial<T>): void {
    this.value = { ...this.value, ...change };
    for (const listener of [...this.listeners]) listener(this.value);
  }

  subscribe(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

/** LiveKit's connection states in our words (signal-only reconnects are reconnects too). */
export function mediaConnectionOf(livekitState: string): MediaConnection {
  switch (livekitState) {
    case "connected":
      return "connected";
    case "connecting":
      return "connecting";
    case "reconnecting":
    case "signalReconnecting":
      return "reconnecting";
    default:
      return "disconnected";
  }
}

export function describeMediaError(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return "The video connection failed.";
}
