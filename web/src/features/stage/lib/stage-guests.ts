/**
 * The tiles of people on stage, in stage order: who the studio put on stage (user ids),
 * matched with what the media room says of them. Someone on stage but not (yet) in the
 * room, or not sending a camera, still gets a tile with their name. Pure.
 */
import type { AttachableTrack, RoomPerson } from "../../sessions/lib/media";

export interface StageGuest {
  userId: string;
  name: string;
  video: AttachableTrack | null;
  audio: AttachableTrack | null;
  /** My own tile (its sound is never played back to me). */
  self: boolean;
}

export interface Me {
  userId: string;
  camera: AttachableTrack | null;
}

export function stageGuests(
  stage: readonly string[],
  people: readonly RoomPerson[],
  names: ReadonlyMap<string, string>,
  me: Me | null,
): StageGuest[] {
  return stage.map((userId) => {
    if (me !== null && me.userId === userId) {
      return { userId, name: "You", video: me.camera, audio: null, self: true };
    }
    const person = people.find((candidate) => candidate.identity === userId);
    return {
      userId,
      name: person?.name ?? names.get(userId) ?? "Someone",
      video: person?.camera ?? null,
      audio: person?.microphone ?? null,
      self: false,
    };
  });
}
