/** What the api accepts as a scene's name (`schemas.SceneName`): 1–80 characters once trimmed. */
export const SCENE_NAME_MAX = 80;

/** Why `name` would be refused, in words for the host; null when it is fine. */
export function sceneNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === "") return "Give the scene a name.";
  // The api counts code points, not UTF-16 units.
  if ([...trimmed].length > SCENE_NAME_MAX) return `Keep the name to ${SCENE_NAME_MAX} characters or fewer.`;
  return null;
}
