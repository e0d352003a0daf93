import { type Ref, useEffect, useRef, useState } from "react";
import { describeProblem, toProblemError } from "../../../api/problem";
import type { Scene } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { InlineError } from "../../../shared/components/InlineError";
import { layoutLabel } from "../../stage/lib/scene-layout";
import { deleteScene, updateScene } from "../lib/studio-api";
import { RenameScene } from "./RenameScene";

export type Direction = "up" | "down";
const DIRECTIONS: readonly Direction[] = ["up", "down"];

interface SceneRowProps {
  sessionId: string;
  scene: Scene;
  /** Its place in the switcher, 0-based. */
  index: number;
  count: number;
  /** On air now. */
  active: boolean;
  onRenamed(name: string): void;
  onMoved(direction: Direction, position: number): void;
  onDeleted(): void;
}

type Mode = "view" | "rename" | "confirm-delete" | "deleted";

export function SceneRow({ sessionId, scene, index, count, active, onRenamed, onMoved, onDeleted }: SceneRowProps) {
  const api = useApi();
  const [mode, setMode] = useState<Mode>("view");
  const [pending, setPending] = useState<Direction | "delete" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const renameRef = useRef<HTMLButtonElement | null>(null);
  const deleteRef = useRef<HTMLButtonElement | null>(null);
  const keepRef = useRef<HTMLButtonElement | null>(null);
  // Where focus goes back to when the row shows its buttons again.
  const focusOnView = useRef<"rename" | "delete" | null>(null);

  useEffect(() => {
    // The safe choice gets focus, so a stray Enter does not delete the scene.
    if (mode === "confirm-delete") keepRef.current?.focus();
    if (mode === "view" && focusOnView.current !== null) {
      (focusOnView.current === "rename" ? renameRef : deleteRef).current?.focus();
      focusOnView.current = null;
    }
  }, [mode]);

  /** Shows the rename form or the delete confirmation in place of the buttons. */
  const open = (next: "rename" | "confirm-delete") => () => {
    setError(null);
    setMode(next);
  };

  function backToView(focus: "rename" | "delete") {
    focusOnView.current = focus;
    setMode("view");
  }

  async function move(direction: Direction) {
    const position = index + (direction === "up" ? -1 : 1);
    setPending(direction);
    setError(null);
    try {
      await updateScene(api, sessionId, scene.id, { position });
      onMoved(direction, position);
    } catch (failure) {
      setError(describeProblem(toProblemError(failure).problem));
    } finally {
      setPending(null);
    }
  }

  async function remove() {
    setPending("delete");
    setError(null);
    try {
      await deleteScene(api, sessionId, scene.id);
    } catch (failure) {
      setError(describeProblem(toProblemError(failure).problem));
      setPending(null);
      backToView("delete");
      return;
    }
    // The row leaves when the feed brings the deletion.
    setPending(null);
    setMode("deleted");
    onDeleted();
  }

  const busy = pending !== null;
  return (
    <li className="scene-editor__scene" aria-busy={busy}>
      {mode === "rename" ? (
        <RenameScene
          sessionId={sessionId}
          scene={scene}
          onClose={(renamed) => {
            if (renamed !== null) onRenamed(renamed);
            backToView("rename");
          }}
        />
      ) : (
        <div className="person">
          <span className="person__name">
            <strong>{scene.name}</strong>{" "}
            <span className="muted small">
              {layoutLabel(scene.layout)}
              {active ? " · on air" : ""}
            </span>
          </span>
          {mode === "view" ? (
            <div className="person__actions">
              <OpenButton buttonRef={renameRef} verb="Rename" scene={scene} disabled={busy} onClick={open("rename")} />
              {DIRECTIONS.map((direction) => (
                <button
                  key={direction}
                  type="button"
                  className="button button--small"
                  aria-label={`Move ${scene.name} ${direction}`}
                  aria-busy={pending === direction}
                  data-move={direction}
                  data-scene={scene.id}
                  disabled={busy || index === (direction === "up" ? 0 : count - 1)}
                  onClick={() => void move(direction)}
                >
                  {pending === direction ? "Moving…" : `Move ${direction}`}
                </button>
              ))}
              <OpenButton buttonRef={deleteRef} verb="Delete" scene={scene} disabled={busy} onClick={open("confirm-delete")} />
            </div>
          ) : mode === "deleted" ? (
            <span className="muted small">Deleted</span>
          ) : null}
        </div>
      )}
      {mode === "confirm-delete" ? (
        <div className="confirm" role="group" aria-label={`Confirm deleting ${scene.name}`}>
          <span className="confirm__question">
            {active
              ? `Delete ${scene.name}? It is on air: once it is gone, no scene is on air until you choose another one, and until then students see only your camera.`
              : `Delete ${scene.name}? It leaves the switcher for good; what students see now does not change.`}
          </span>
          <button
            type="button"
            className="button button--danger button--small"
            aria-busy={pending === "delete"}
            disabled={busy}
            onClick={() => void remove()}
          >
            {pending === "delete" ? "Deleting…" : "Delete scene"}
          </button>
          <button
            ref={keepRef}
            type="button"
            className="button button--small"
            disabled={busy}
            onClick={() => backToView("delete")}
          >
            Keep it
          </button>
        </div>
      ) : null}
      <InlineError>{error}</InlineError>
    </li>
  );
}

/** Rename or Delete: opens its form or confirmation in the row; focus comes back to it after. */
function OpenButton(props: { buttonRef: Ref<HTMLButtonElement>; verb: string; scene: Scene; disabled: boolean; onClick(): void }) {
  const { buttonRef, verb, scene, disabled, onClick } = props;
  return (
    <button ref={buttonRef} type="button" className="button button--small" aria-label={`${verb} ${scene.name}`} disabled={disabled} onClick={onClick}>
      {verb}
    </button>
  );
}
