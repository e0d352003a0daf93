import { useEffect, useRef, useState } from "react";
import type { Scene } from "../../../api/types";
import { type Direction, SceneRow } from "./SceneRow";

interface SceneEditorProps {
  sessionId: string;
  /** The class's scenes in switcher order. */
  scenes: readonly Scene[];
  activeSceneId: string | null;
}

/**
 * The host's scene list behind a disclosure: rename, move up or down, delete. Each action
 * is one api call; the session feed then brings the change to this list and to every screen.
 */
export function SceneEditor({ sessionId, scenes, activeSceneId }: SceneEditorProps) {
  const listRef = useRef<HTMLOListElement | null>(null);
  const summaryRef = useRef<HTMLElement | null>(null);
  const [announcement, setAnnouncement] = useState("");
  // A moved scene's button follows it: React moves the list's nodes, which drops focus.
  const [follow, setFollow] = useState<{ sceneId: string; direction: Direction; index: number } | null>(null);

  useEffect(() => {
    if (follow === null) return;
    const index = scenes.findIndex((scene) => scene.id === follow.sceneId);
    if (index !== -1 && index !== follow.index) return; // the feed has not brought the move yet
    setFollow(null);
    const list = listRef.current;
    const focused = document.activeElement;
    if (index === -1 || list === null) return;
    // Only when focus was lost or is still in the list: never take it from elsewhere.
    if (focused !== null && focused !== document.body && !list.contains(focused)) return;
    const buttons = Array.from(list.querySelectorAll<HTMLButtonElement>("button[data-move]")).filter(
      (button) => button.dataset.scene === follow.sceneId && !button.disabled,
    );
    const target = buttons.find((button) => button.dataset.move === follow.direction) ?? buttons[0];
    if (target !== undefined && target !== focused) target.focus();
  }, [follow, scenes]);

  return (
    // Styled like the desk's other disclosures (Add a scene).
    <details className="add-scene scene-editor">
      <summary ref={summaryRef}>Rename, reorder or delete scenes</summary>
      <ol ref={listRef} className="people-list scene-editor__list" aria-label="Scene order">
        {scenes.map((scene, index) => (
          <SceneRow
            key={scene.id}
            sessionId={sessionId}
            scene={scene}
            index={index}
            count={scenes.length}
            active={scene.id === activeSceneId}
            onRenamed={(name) => setAnnouncement(`Renamed ${scene.name} to ${name}.`)}
            onMoved={(direction, position) => {
              setFollow({ sceneId: scene.id, direction, index: position });
              setAnnouncement(`Moved ${scene.name} to place ${position + 1} of ${scenes.length}.`);
            }}
            onDeleted={() => {
              setAnnouncement(`Deleted ${scene.name}.`);
              summaryRef.current?.focus();
            }}
          />
        ))}
      </ol>
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
    </details>
  );
}
