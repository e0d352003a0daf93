// @vitest-environment jsdom
import { cleanup, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { ApiClient } from "../../../api/client";
import { FakeFetch, json, problem, type Responder } from "../../../api/testing/fake-fetch";
import { aCourse, anAccessGrant, aUser } from "../../../api/testing/fixtures";
import { renderApp } from "../../../app/testing/render-app";
import { AuthProvider } from "../../../auth/AuthProvider";
import { createTokenStore } from "../../../auth/token-store";
import { SendScoresCard } from "./SendScoresCard";

afterEach(cleanup);

/** Generous waits: the app signs in and loads the page first, on a busy machine. */
const WAIT = { timeout: 5_000 };
const teacher = aUser({ id: "user-ada", display_name: "Ada Lovelace" });
const ROSTER = "/api/v1/courses/c1/lti/roster-sync";
const SCORES = "/api/v1/sessions/s1/lti/scores";

function courseApi(role: "owner" | "ta", link: { linked: boolean; platform: string | null }) {
  return new FakeFetch()
    .on("GET", "/api/v1/courses/c1", json(200, { ...aCourse({ id: "c1", title: "Biology" }), my_role: role }))
    .on("GET", "/api/v1/courses/c1/members", json(200, { items: [] }))
    .on("GET", "/api/v1/courses/c1/invites", json(200, { items: [] }))
    .on("GET", "/api/v1/courses/c1/sessions", json(200, { items: [] }))
    .on("GET", ROSTER, json(200, link));
}

/** A responder whose answer waits until the test releases it (to see the loading state). */
function held(answer: Responder): { responder: Responder; release(): void } {
  let release = () => undefined as void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { responder: async (request) => (await gate, answer(request)), release };
}

describe("Sync roster from LMS (course page)", () => {
  it("syncs, shows that it is busy, then what changed", async () => {
    const user = userEvent.setup();
    const answer = held(json(200, { set_roles: 2, removed: 1 }));
    const fake = courseApi("owner", { linked: true, platform: "https://moodle.school.example" }).on(
      "POST",
      ROSTER,
      answer.responder,
    );
    renderApp("/courses/c1", { signedInAs: teacher, fake });

    const button = await screen.findByRole("button", { name: "Sync roster from LMS" }, WAIT);
    expect(screen.getByText("https://moodle.school.example")).toBeTruthy();
    await user.click(button);
    const busy = screen.getByRole("button", { name: "Syncing…" });
    expect(busy.hasAttribute("disabled")).toBe(true);
    answer.release();

    const status = await screen.findByText("2 added or updated, 1 removed.", {}, WAIT);
    expect(status.closest('[role="status"]')).toBeTruthy();
    expect(screen.getByRole("button", { name: "Sync roster from LMS" }).hasAttribute("disabled")).toBe(false);
    expect(fake.calls("POST", ROSTER)).toHaveLength(1);
  });

  it("shows the problem's detail when the LMS does not answer, as text", async () => {
    const user = userEvent.setup();
    const detail = "The LMS did not list the course's members. <b>Try again</b> in a few minutes.";
    const fake = courseApi("owner", { linked: true, platform: "https://moodle.school.example" }).on(
      "POST",
      ROSTER,
      problem(502, "lti-platform-failed", detail),
    );
    renderApp("/courses/c1", { signedInAs: teacher, fake });

    await user.click(await screen.findByRole("button", { name: "Sync roster from LMS" }, WAIT));
    const alert = await screen.findByRole("alert", {}, WAIT);
    expect(alert.textContent).toBe(detail);
    expect(within(alert).queryByText("Try again")).toBeNull(); // no <b> element: text, not HTML
    expect(screen.getByRole("button", { name: "Sync roster from LMS" })).toBeTruthy();
  });

  it("is not offered for a course that is not in an LMS, nor to a TA", async () => {
    const unlinked = courseApi("owner", { linked: false, platform: null });
    renderApp("/courses/c1", { signedInAs: teacher, fake: unlinked });
    expect(await screen.findByRole("heading", { level: 1, name: "Biology" }, WAIT)).toBeTruthy();
    await waitFor(() => expect(unlinked.calls("GET", ROSTER)).toHaveLength(1), WAIT);
    await new Promise((settled) => setTimeout(settled, 0)); // its answer rendered
    expect(screen.queryByRole("button", { name: "Sync roster from LMS" })).toBeNull();

    cleanup();
    const fake = courseApi("ta", { linked: true, platform: "https://moodle.school.example" });
    renderApp("/courses/c1", { signedInAs: teacher, fake });
    expect(await screen.findByRole("heading", { level: 1, name: "Biology" }, WAIT)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Sync roster from LMS" })).toBeNull();
    expect(fake.calls("GET", ROSTER)).toHaveLength(0);
  });
});

function renderScores(fake: FakeFetch) {
  fake.on("POST", "/auth/local/refresh", json(200, anAccessGrant(teacher)));
  const client = new ApiClient({ tokens: createTokenStore(), fetch: fake.fetch });
  return render(
    <AuthProvider client={client}>
      <SendScoresCard sessionId="s1" />
    </AuthProvider>,
  );
}

describe("Send quiz scores to LMS (class over)", () => {
  it("sends with the keyboard, shows that it is busy, then how many were sent", async () => {
    const user = userEvent.setup();
    const answer = held(json(200, { posted: 3 }));
    const fake = new FakeFetch()
      .on("GET", SCORES, json(200, { linked: true, platform: "https://canvas.instructure.com" }))
      .on("POST", SCORES, answer.responder);
    renderScores(fake);

    const button = await screen.findByRole("button", { name: "Send quiz scores to LMS" }, WAIT);
    button.focus();
    await user.keyboard("{Enter}");
    expect(screen.getByRole("button", { name: "Sending…" }).hasAttribute("disabled")).toBe(true);
    answer.release();
    expect(await screen.findByText("3 scores sent to the LMS gradebook.", {}, WAIT)).toBeTruthy();
    expect(fake.calls("POST", SCORES)).toHaveLength(1);
  });

  it("says why when no grade column opens the class", async () => {
    const user = userEvent.setup();
    const fake = new FakeFetch()
      .on("GET", SCORES, json(200, { linked: true, platform: "https://canvas.instructure.com" }))
      .on("POST", SCORES, problem(409, "lti-not-linked", "No LMS grade column opens this class."));
    renderScores(fake);

    await user.click(await screen.findByRole("button", { name: "Send quiz scores to LMS" }, WAIT));
    expect((await screen.findByRole("alert", {}, WAIT)).textContent).toBe("No LMS grade column opens this class.");
  });

  it("is not offered when the class is not opened from an LMS grade column", async () => {
    const fake = new FakeFetch().on("GET", SCORES, json(200, { linked: false, platform: null }));
    const view = renderScores(fake);
    await waitFor(() => expect(fake.calls("GET", SCORES)).toHaveLength(1), WAIT);
    expect(view.container.querySelector("button")).toBeNull();
  });
});

