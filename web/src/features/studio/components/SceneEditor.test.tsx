// @vitest-environment jsdom
import { act, cleanup, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiClient } from "../../../api/client";
import { FakeFetch, json, noContent, problem } from "../../../api/testing/fake-fetch";
import { SESSION_ID, aCourse, aSessionState, aUser } from "../../../api/testing/fixtures";
import type { Role, SessionState, StudioSnapshot } from "../../../api/types";
import { renderApp } from "../../../app/testing/render-app";
import { AuthProvider } from "../../../auth/AuthProvider";
import { createTokenStore } from "../../../auth/token-store";
import { anEvent } from "../../../events/testing/fake-event-log";
import { fakeLiveServices } from "../../sessions/testing/fake-live-services";
import { aLiveSession, aScene, aStudioSnapshot } from "../testing/fixtures";
import { SceneSwitcher } from "./SceneSwitcher";

afterEach(cleanup);
beforeEach(() => {
  vi.spyOn(HTMLMediaElement.prototype, "play").mockResolvedValue(undefined);
});

const teacher = aUser({ id: "user-ada", display_name: "Ada Lovelace" });
const base = `/api/v1/sessions/${SESSION_ID}`;
const scenePath = (sceneId: string) => `${base}/scenes/${sceneId}`;
const liveSession = aLiveSession();

function liveState(studio: Partial<StudioSnapshot> = {}): SessionState {
  return aSessionState({ as_of_seq: 3, media_status: "ok", studio: aStudioSnapshot(studio) }, liveSession);
}

function studioApi(state: SessionState, role: Role = "owner") {
  return new FakeFetch()
    .on("GET", `${base}/state`, json(200, state))
    .on("GET", "/api/v1/courses/c1", json(200, aCourse({ id: "c1", title: "Photosynthesis", my_role: role })))
    .on("GET", `${base}/participants`, json(200, { items: [] }));
}

async function openStudio(state: SessionState, fake = studioApi(state)) {
  const live = fakeLiveServices();
  renderApp(`/sessions/${SESSION_ID}/studio`, { signedInAs: teacher, fake, live });
  await screen.findByRole("region", { name: "Program preview" });
  await waitFor(() => expect(live.sockets.all).toHaveLength(1));
  act(() => {
    live.sockets.last.open().welcome(3, "host");
  });
  return { fake, socket: live.sockets.last };
}

async function openEditor(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByText("Rename, reorder or delete scenes"));
  return screen.getByRole("list", { name: "Scene order" });
}

const switcherNames = () =>
  within(screen.getByRole("group", { name: "Scenes" }))
    .getAllByRole("button")
    .map((button) => button.querySelector(".scene-button__name")?.textContent);

// Whole-app renders with many steps: slow on a busy machine.
describe("Scene editing in the studio", { timeout: 20_000 }, () => {
  it("renames a scene inline: Enter saves with the new name, Escape cancels", async () => {
    const user = userEvent.setup();
    const state = liveState();
    const renamed = aScene({ id: "scene-slides-camera", name: "Teaching", layout: "slides_camera", position: 1 });
    const fake = studioApi(state).on("PATCH", scenePath("scene-slides-camera"), json(200, renamed));
    const { socket } = await openStudio(state, fake);
    const list = await openEditor(user);

    // Escape leaves the name alone and gives focus back to the Rename button.
    await user.click(within(list).getByRole("button", { name: "Rename Slides + camera" }));
    const input = screen.getByLabelText<HTMLInputElement>("New name for Slides + camera");
    expect(input.value).toBe("Slides + camera");
    expect(document.activeElement).toBe(input);
    await user.keyboard("Nope{Escape}");
    expect(screen.queryByLabelText("New name for Slides + camera")).toBeNull();
    expect(document.activeElement).toBe(within(list).getByRole("button", { name: "Rename Slides + camera" }));
    expect(fake.calls("PATCH", scenePath("scene-slides-camera"))).toHaveLength(0);

    await user.click(within(list).getByRole("button", { name: "Rename Slides + camera" }));
    await user.clear(screen.getByLabelText("New name for Slides + camera"));
    await user.type(screen.getByLabelText("New name for Slides + camera"), "  Teaching {Enter}");
    expect(fake.calls("PATCH", scenePath("scene-slides-camera")).map((call) => call.body)).toEqual([
      { name: "Teaching" },
    ]);
    await waitFor(() => expect(screen.queryByLabelText("New name for Slides + camera")).toBeNull());

    act(() => {
      socket.deliver(anEvent(4, "studio.scene_updated", { scene: renamed }));
    });
    expect(switcherNames()).toEqual(["Camera", "Teaching", "Slides", "Screen"]);
    expect(within(list).getByRole("button", { name: "Rename Teaching" })).toBeTruthy();
  });

  it("checks the name before sending, and shows the api's field error beside the input", async () => {
    const user = userEvent.setup();
    const state = liveState();
    const fake = studioApi(state).on(
      "PATCH",
      scenePath("scene-camera"),
      problem(422, "validation", "Check these fields: name.", {
        errors: [
          { field: "name", location: "body", message: "String should have at most 80 characters", code: "string_too_long" },
        ],
      }),
    );
    await openStudio(state, fake);
    const list = await openEditor(user);

    await user.click(within(list).getByRole("button", { name: "Rename Camera" }));
    const input = screen.getByLabelText<HTMLInputElement>("New name for Camera");
    expect(input.maxLength).toBe(80);
    await user.clear(input);
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(screen.getByText("Give the scene a name.")).toBeTruthy();
    expect(fake.calls("PATCH", scenePath("scene-camera"))).toHaveLength(0);

    await user.type(input, "Close-up");
    await user.click(screen.getByRole("button", { name: "Save" }));
    const message = await screen.findByText("String should have at most 80 characters");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(input.getAttribute("aria-describedby")).toContain(message.id);
    // The form stays open with what was typed, ready for another try.
    expect(input.value).toBe("Close-up");
    expect(screen.queryByText("Check these fields: name.")).toBeNull();
  });

  it("moves a scene up with position one less, and disables the moves at the ends", async () => {
    const user = userEvent.setup();
    const state = liveState();
    const moved = aScene({ id: "scene-slides", name: "Slides", layout: "slides", position: 1 });
    const fake = studioApi(state)
      .on("PATCH", scenePath("scene-slides"), json(200, moved))
      .on("PATCH", scenePath("scene-camera"), json(200, aScene({ position: 1 })));
    const { socket } = await openStudio(state, fake);
    const list = await openEditor(user);

    expect(within(list).getByRole<HTMLButtonElement>("button", { name: "Move Camera up" }).disabled).toBe(true);
    expect(within(list).getByRole<HTMLButtonElement>("button", { name: "Move Screen down" }).disabled).toBe(true);

    // Keyboard: Tab to the button, Enter presses it.
    within(list).getByRole("button", { name: "Rename Slides" }).focus();
    await user.tab();
    expect(document.activeElement).toBe(within(list).getByRole("button", { name: "Move Slides up" }));
    await user.keyboard("{Enter}");
    expect(fake.calls("PATCH", scenePath("scene-slides")).map((call) => call.body)).toEqual([{ position: 1 }]);

    // The api sends one event per scene whose place changed.
    act(() => {
      socket.deliver(anEvent(4, "studio.scene_updated", { scene: moved }));
      socket.deliver(
        anEvent(5, "studio.scene_updated", {
          scene: aScene({ id: "scene-slides-camera", name: "Slides + camera", layout: "slides_camera", position: 2 }),
        }),
      );
    });
    expect(switcherNames()).toEqual(["Camera", "Slides", "Slides + camera", "Screen"]);
    expect(within(list).getAllByRole("listitem").map((item) => item.querySelector("strong")?.textContent)).toEqual([
      "Camera",
      "Slides",
      "Slides + camera",
      "Screen",
    ]);
    // Focus stays with the moved scene.
    await waitFor(() =>
      expect(document.activeElement).toBe(within(list).getByRole("button", { name: "Move Slides up" })),
    );
    expect(within(list.parentElement as HTMLElement).getByRole("status").textContent).toBe("Moved Slides to place 2 of 4.");

    await user.click(within(list).getByRole("button", { name: "Move Camera down" }));
    expect(fake.calls("PATCH", scenePath("scene-camera")).map((call) => call.body)).toEqual([{ position: 1 }]);
  });

  it("asks before deleting, and sends the DELETE only once confirmed", async () => {
    const user = userEvent.setup();
    const state = liveState();
    const fake = studioApi(state).on("DELETE", scenePath("scene-slides"), noContent());
    const { socket } = await openStudio(state, fake);
    const list = await openEditor(user);

    await user.click(within(list).getByRole("button", { name: "Delete Slides" }));
    const confirm = within(list).getByRole("group", { name: "Confirm deleting Slides" });
    expect(confirm.textContent).toContain("what students see now does not change");
    expect(document.activeElement).toBe(within(confirm).getByRole("button", { name: "Keep it" }));
    expect(fake.calls("DELETE", scenePath("scene-slides"))).toHaveLength(0);
    await user.click(within(confirm).getByRole("button", { name: "Keep it" }));
    expect(within(list).queryByRole("group", { name: "Confirm deleting Slides" })).toBeNull();
    expect(document.activeElement).toBe(within(list).getByRole("button", { name: "Delete Slides" }));
    expect(fake.calls("DELETE", scenePath("scene-slides"))).toHaveLength(0);

    await user.click(within(list).getByRole("button", { name: "Delete Slides" }));
    await user.click(within(list).getByRole("button", { name: "Delete scene" }));
    expect(fake.calls("DELETE", scenePath("scene-slides"))).toHaveLength(1);
    act(() => {
      socket.deliver(anEvent(4, "studio.scene_deleted", { scene_id: "scene-slides" }));
      socket.deliver(
        anEvent(5, "studio.scene_updated", {
          scene: aScene({ id: "scene-screen", name: "Screen", layout: "screen_camera", position: 2 }),
        }),
      );
    });
    expect(switcherNames()).toEqual(["Camera", "Slides + camera", "Screen"]);
    expect(within(list).getAllByRole("listitem")).toHaveLength(3);
    expect(within(list.parentElement as HTMLElement).getByRole("status").textContent).toBe("Deleted Slides.");
  });

  it("says that nothing is on air after deleting the active scene", async () => {
    const user = userEvent.setup();
    const state = liveState({ active_scene_id: "scene-camera", active_layout: "camera" });
    const fake = studioApi(state).on("DELETE", scenePath("scene-camera"), noContent());
    const { socket } = await openStudio(state, fake);
    const list = await openEditor(user);

    await user.click(within(list).getByRole("button", { name: "Delete Camera" }));
    expect(within(list).getByRole("group", { name: "Confirm deleting Camera" }).textContent).toContain(
      "no scene is on air until you choose another one",
    );
    await user.click(within(list).getByRole("button", { name: "Delete scene" }));
    expect(fake.calls("DELETE", scenePath("scene-camera"))).toHaveLength(1);
    act(() => {
      socket.deliver(anEvent(4, "studio.scene_deleted", { scene_id: "scene-camera" }));
    });
    expect(screen.getByText("No scene is on yet: students see your camera.")).toBeTruthy();
  });

  it("shows the api's problem detail when it refuses", async () => {
    const user = userEvent.setup();
    const state = liveState();
    const closed = "This class is ended, so it cannot change its scenes any more.";
    const fake = studioApi(state)
      .on("DELETE", scenePath("scene-screen"), problem(409, "invalid-transition", closed))
      .on("PATCH", scenePath("scene-screen"), problem(409, "invalid-transition", closed));
    await openStudio(state, fake);
    const list = await openEditor(user);

    await user.click(within(list).getByRole("button", { name: "Delete Screen" }));
    await user.click(within(list).getByRole("button", { name: "Delete scene" }));
    const row = within(list).getAllByRole("listitem")[3] as HTMLElement;
    expect((await within(row).findByRole("alert")).textContent).toBe(closed);
    // Back to the row's buttons, focus on Delete, nothing left pending.
    expect(document.activeElement).toBe(within(row).getByRole("button", { name: "Delete Screen" }));
    expect(row.getAttribute("aria-busy")).toBe("false");

    await user.click(within(row).getByRole("button", { name: "Move Screen up" }));
    expect(fake.calls("PATCH", scenePath("scene-screen")).map((call) => call.body)).toEqual([{ position: 2 }]);
    await waitFor(() => expect(within(row).getByRole<HTMLButtonElement>("button", { name: "Move Screen up" }).disabled).toBe(false));
    expect(within(row).getByRole("alert").textContent).toBe(closed);
  });

  it("shows a teaching assistant or a student none of the editing controls", async () => {
    for (const role of ["ta", "student"] as const) {
      const state = liveState();
      renderApp(`/sessions/${SESSION_ID}/studio`, { signedInAs: teacher, fake: studioApi(state, role) });
      expect(await screen.findByText("The studio is for the class's teachers")).toBeTruthy();
      expect(screen.queryByText("Rename, reorder or delete scenes")).toBeNull();
      expect(screen.queryByRole("button", { name: /^(Rename|Move|Delete) / })).toBeNull();
      cleanup();
    }
  });
});

describe("SceneSwitcher without studio.edit", () => {
  it("switches scenes but offers no adding, renaming, moving or deleting", () => {
    const fake = new FakeFetch();
    const client = new ApiClient({ tokens: createTokenStore(), fetch: fake.fetch });
    render(
      <AuthProvider client={client}>
        <SceneSwitcher sessionId={SESSION_ID} studio={aStudioSnapshot()} canEdit={false} />
      </AuthProvider>,
    );
    expect(within(screen.getByRole("group", { name: "Scenes" })).getAllByRole("button")).toHaveLength(4);
    expect(screen.queryByText("Rename, reorder or delete scenes")).toBeNull();
    expect(screen.queryByText("Add a scene")).toBeNull();
    expect(screen.queryByRole("button", { name: /Rename|Move|Delete/ })).toBeNull();
  });
});
