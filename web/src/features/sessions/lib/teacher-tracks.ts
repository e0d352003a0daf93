/**
 * Which remote tracks are "the teacher": the camera and microphone of the participant
 * whose join token says `host`, or, failing that, of whoever publishes a camera (a
 * moderator covering for the teacher). Pure, so it is tested without LiveKit.
 */

export interface RemotePublication<Track> {
  /** LiveKit's source names: `camera`, `microphone`, `screen_share`, … */
  source: string;
  /** Set once subscribed. */
  track: Track | undefined;
  muted: boolean;
}

export interface RemotePerson<Track> {
  identity: string;
  /** The join token's name: the person's display name. */
  name?: string | undefined;
  /** The join token's metadata: `{"role": "host"}` for teachers. */
  metadata: string | undefined;
  publications: readonly RemotePublication<Track>[];
}

export interface TeacherTracks<Track> {
  identity: string | null;
  video: Track | null;
  audio: Track | null;
  /** The teacher's shared screen. */
  screen: Track | null;
}

export function roleOf(metadata: string | undefined): string | null {
  if (!metadata) return null;
  try {
    const parsed: unknown = JSON.parse(metadata);
    const role = typeof parsed === "object" && parsed !== null ? (parsed as { role?: unknown }).role : undefined;
    return typeof role === "string" ? role : null;
  } catch {
    return null;
  }
}

export function pickTeacherTracks<Track>(people: readonly RemotePerson<Track>[]): TeacherTracks<Track> {
  const publishes = (person: RemotePerson<Track>, source: string) =>
    person.publications.some((publication) => publication.source === source);
  const teacher =
    people.find((person) => roleOf(person.metadata) === "host" && publishes(person, "camera")) ??
    people.find((person) => roleOf(person.metadata) === "host") ??
    people.find((person) => publishes(person, "camera")) ??
    null;
  if (teacher === null) return { identity: null, video: null, audio: null, screen: null };
  return {
    identity: teacher.identity,
    video: liveTrack(teacher, "camera"),
    audio: liveTrack(teacher, "microphone"),
    screen: liveTrack(teacher, "screen_share"),
  };
}

/** Everyone but the teacher, with their camera and microphone (students on stage). */
export function otherPeople<Track>(
  people: readonly RemotePerson<Track>[],
  teacherIdentity: string | null,
): { identity: string; name: string; camera: Track | null; microphone: Track | null }[] {
  return people
    .filter((person) => person.identity !== teacherIdentity)
    .map((person) => ({
      identity: person.identity,
      name: person.name || person.identity,
      camera: liveTrack(person, "camera"),
      microphone: liveTrack(person, "microphone"),
    }));
}

function liveTrack<Track>(person: RemotePerson<Track>, source: string): Track | null {
  return person.publications.find((publication) => publication.source === source && !publication.muted)?.track ?? null;
}
