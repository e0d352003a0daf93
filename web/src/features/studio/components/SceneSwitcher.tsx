import { type FormEvent, useState } from "react";
import { describeProblem, toProblemError } from "../../../api/problem";
import { useApi } from "../../../auth/useApi";
import { LAYOUTS } from "../../../events/studio-reducer";
import { layoutLabel } from "../../stage/lib/scene-layout";
import type { SceneLayout, StudioSnapshot } from "../../../api/types";
import { SCENE_NAME_MAX, sceneNameProblem } from "../lib/scene-name";
import { activateScene, createScene } from "../lib/studio-api";
import { SceneEditor } from "./SceneEditor";

interface SceneSwitcherProps {
  sessionId: string;
  studio: StudioSnapshot;
  /** Whether I may add, rename, reorder and delete scenes (`studio.edit`: the host's), not only switch. */
  canEdit: boolean;
}

/**
 * The class's scenes as buttons: the pressed one is what students see. Hosts also add,
 * rename, reorder and delete scenes; staff who may only switch get the buttons alone.
 */
export function SceneSwitcher({ sessionId, studio, canEdit }: SceneSwitcherProps) {
  const api = useApi();
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function activate(sceneId: string) {
    setPending(sceneId);
    setError(null);
    try {
      await activateScene(api, sessionId, sceneId);
    } catch (failure) {
      setError(describeProblem(toProblemError(failure).problem));
    } finally {
      setPending(null);
    }
  }

  return (
    <section className="card studio-panel" aria-labelledby="studio-scenes-title">
      <h2 id="studio-scenes-title">Scenes</h2>
      {studio.scenes.length === 0 ? (
        <p className="muted">
          {canEdit
            ? "This class has no scenes yet: add one below. Until then students see your camera."
            : "This class has no scenes yet: students see the teacher's camera."}
        </p>
      ) : (
        <div className="scene-switcher" role="group" aria-label="Scenes">
          {studio.scenes.map((scene) => {
            const active = scene.id === studio.active_scene_id;
            return (
              <button
                key={scene.id}
                type="button"
                className={active ? "scene-button scene-button--active" : "scene-button"}
                aria-pressed={active}
                aria-busy={pending === scene.id}
                disabled={pending !== null}
                onClick={() => void activate(scene.id)}
              >
                <span className="scene-button__name">{scene.name}</span>
                <span className="scene-button__layout">{layoutLabel(scene.layout)}</span>
              </button>
            );
          })}
        </div>
      )}
      {studio.active_scene_id === null && studio.scenes.length > 0 ? (
        <p className="muted small">No scene is on yet: students see your camera.</p>
      ) : null}
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
      {canEdit && studio.scenes.length > 0 ? (
        <SceneEditor sessionId={sessionId} scenes={studio.scenes} activeSceneId={studio.active_scene_id} />
      ) : null}
      {canEdit ? <AddScene sessionId={sessionId} /> : null}
    </section>
  );
}

function AddScene({ sessionId }: { sessionId: string }) {
  const api = useApi();
  const [name, setName] = useState("");
  const [layout, setLayout] = useState<SceneLayout>("slides_camera");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const refused = sceneNameProblem(name);
    if (refused !== null) {
      setError(refused);
      return;
    }
    const trimmed = name.trim();
    setBusy(true);
    setError(null);
    try {
      await createScene(api, sessionId, { name: trimmed, layout });
      setName("");
    } catch (failure) {
      setError(describeProblem(toProblemError(failure).problem));
    } finally {
      setBusy(false);
    }
  }

  return (
    <details className="add-scene">
      <summary>Add a scene</summary>
      <form className="add-scene__form" onSubmit={(event) => void submit(event)} noValidate>
        <label className="field">
          <span className="field__label">Scene name</span>
          <input className="input" value={name} maxLength={SCENE_NAME_MAX} onChange={(event) => setName(event.target.value)} />
        </label>
        <label className="field">
          <span className="field__label">Layout</span>
          <select className="select" value={layout} onChange={(event) => setLayout(event.target.value as SceneLayout)}>
            {LAYOUTS.map((option) => (
              <option key={option} value={option}>
                {layoutLabel(option)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button" disabled={busy} aria-busy={busy}>
          {busy ? "Adding…" : "Add scene"}
        </button>
        {error ? (
          <p className="field__error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
    </details>
  );
}
