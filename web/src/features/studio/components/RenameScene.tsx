import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from "react";
import { formErrorsFromProblem, toProblemError } from "../../../api/problem";
import type { Scene } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { Field } from "../../../shared/components/Field";
import { InlineError } from "../../../shared/components/InlineError";
import { SCENE_NAME_MAX, sceneNameProblem } from "../lib/scene-name";
import { updateScene } from "../lib/studio-api";

interface RenameSceneProps {
  sessionId: string;
  scene: Scene;
  /** With the new name once the api took it; null when cancelled or unchanged. */
  onClose(renamed: string | null): void;
}

/** The inline rename form: Enter saves, Escape cancels. */
export function RenameScene({ sessionId, scene, onClose }: RenameSceneProps) {
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
      <InlineError>{formError}</InlineError>
    </form>
  );
}
