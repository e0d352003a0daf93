import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from "react";
import { describeProblem, formErrorsFromProblem, toProblemError } from "../../../api/problem";
import type { Scene } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { Field } from "../../../shared/components/Field";
import { layoutLabel } from "../../stage/lib/scene-layout";
import { SCENE_NAME_MAX, sceneNameProblem } from "../lib/scene-name";
import { deleteScene, updateScene } from "../lib/studio-api";

interface SceneEditorProps {
  sessionId: string;
  /** The class's scenes in switcher order. */
  scenes: readonly Scene[];
  activeSceneId: string | null;
}

type Direction = "up" | "down";

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

function SceneRow({ sessionId, scene, index, count, active, onRenamed, onMoved, onDeleted }: SceneRowProps) {
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
              <button
                ref={renameRef}
                type="button"
                className="button button--small"
                aria-label={`Rename ${scene.name}`}
                disabled={busy}
                onClick={() => {
                  setError(null);
                  setMode("rename");
                }}
              >
                Rename
              </button>
              <button
                type="button"
                className="button button--small"
                aria-label={`Move ${scene.name} up`}
                aria-busy={pending === "up"}
                data-move="up"
                data-scene={scene.id}
                disabled={busy || index === 0}
                onClick={() => void move("up")}
              >
                {pending === "up" ? "Moving…" : "Move up"}
              </button>
              <button
                type="button"
                className="button button--small"
                aria-label={`Move ${scene.name} down`}
                aria-busy={pending === "down"}
                data-move="down"
                data-scene={scene.id}
                disabled={busy || index === count - 1}
                onClick={() => void move("down")}
              >
                {pending === "down" ? "Moving…" : "Move down"}
              </button>
              <button
                ref={deleteRef}
                type="button"
                className="button button--small"
                aria-label={`Delete ${scene.name}`}
                disabled={busy}
                onClick={() => {
                  setError(null);
                  setMode("confirm-delete");
                }}
              >
                Delete
              </button>
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
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

interface RenameSceneProps {
  sessionId: string;
  scene: Scene;
  /** With the new name once the api took it; null when cancelled or unchanged. */
  onClose(renamed: string | null): void;
}

/** The inline rename form: Enter saves, Escape cancels. */
function RenameScene({ sessionId, scene, onClose }: RenameSceneProps) {
  const api = useApi();
  const [name, setName] = useState(scene.name);
  const [saving, setSaving] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement | null>(null);

  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (saving) return;
    const refused = sceneNameProblem(name);
    if (refused !== null) {
      setFieldError(refused);
      setFormError(null);
      inputRef.current?.focus();
      return;
    }
    const trimmed = name.trim();
    if (trimmed === scene.name) {
      onClose(null);
      return;
    }
    setSaving(true);
    setFieldError(null);
    setFormError(null);
    try {
      await updateScene(api, sessionId, scene.id, { name: trimmed });
    } catch (failure) {
      // A 422 names the field: its message goes beside the input, anything else above the buttons.
      const { fields, form } = formErrorsFromProblem(toProblemError(failure).problem, ["name"] as const);
      setFieldError(fields.name ?? null);
      setFormError(form);
      setSaving(false);
      inputRef.current?.focus();
      return;
    }
    onClose(trimmed);
  }

  function onKeyDown(event: KeyboardEvent<HTMLFormElement>) {
    if (event.key !== "Escape" || saving) return;
    event.preventDefault();
    onClose(null);
  }

  return (
    <form
      className="banner-form scene-editor__rename"
      aria-label={`Rename ${scene.name}`}
      onSubmit={(event) => void submit(event)}
      onKeyDown={onKeyDown}
      noValidate
    >
      <Field
        label={`New name for ${scene.name}`}
        hint={`Up to ${SCENE_NAME_MAX} characters. Enter saves, Escape cancels.`}
        error={fieldError ?? undefined}
      >
        {(control) => (
          <input
            {...control}
            ref={inputRef}
            className="input"
            value={name}
            maxLength={SCENE_NAME_MAX}
            onChange={(event) => {
              setName(event.target.value);
              setFieldError(null);
            }}
          />
        )}
      </Field>
      <div className="person__actions">
        <button type="submit" className="button button--primary button--small" disabled={saving} aria-busy={saving}>
          {saving ? "Saving…" : "Save"}
        </button>
        <button type="button" className="button button--small" disabled={saving} onClick={() => onClose(null)}>
          Cancel
        </button>
      </div>
      {formError ? (
        <p className="field__error" role="alert">
          {formError}
        </p>
      ) : null}
    </form>
  );
}
