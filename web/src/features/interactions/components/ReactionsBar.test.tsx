// @vitest-environment jsdom
import { cleanup, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { FakeFetch, json, problem } from "../../../api/testing/fake-fetch";
import { aUser } from "../../../api/testing/fixtures";
import { interactionsOf } from "../../../events/interactions";
import { anEvent } from "../../../events/testing/fake-event-log";
import { renderInteractions } from "../testing/render-interactions";
import { ReactionsBar } from "./ReactionsBar";

afterEach(cleanup);

const student = aUser({ id: "user-grace", display_name: "Grace Hopper" });
const reactions = "/api/v1/sessions/session-1/reactions";

describe("ReactionsBar", () => {
  it("sends a tap, and floats each burst the feed brings", async () => {
    const user = userEvent.setup();
    const fake = new FakeFetch().on("POST", reactions, json(202, { accepted: true }));
    const view = await renderInteractions({
      viewer: student,
      staff: false,
      fake,
      view: (state) => <ReactionsBar sessionId="session-1" burst={interactionsOf(state).reactions} />,
    });
    const buttons = screen.getAllByRole("button");
    // Bundled SVG pictograms, never the system's emoji font; each named, with a tooltip.
    expect(buttons.map((button) => button.querySelector("[data-reaction]")?.getAttribute("data-reaction"))).toEqual([
      "👍", "❤️", "😂", "😮", "👏", "❓", "🎉",
    ]);
    expect(buttons.map((button) => button.textContent)).toEqual(Array(7).fill(""));
    for (const button of buttons) {
      expect(button.querySelector("svg")).not.toBeNull();
      expect(button.getAttribute("aria-label")).toBe(`React: ${button.getAttribute("title")}`);
    }
    await user.click(screen.getByRole("button", { name: "React: Applause" }));
    expect(fake.calls("POST", reactions)[0]?.body).toEqual({ emoji: "👏" });

    view.deliver(anEvent(4, "reactions.burst", { second: "2026-11-25T10:00:04Z", counts: { "👏": 2, "🎉": 1 } }));
    const floats = view.container.querySelectorAll(".reactions__float");
    expect([...floats].map((float) => float.querySelector("[data-reaction]")?.getAttribute("data-reaction"))).toEqual(["👏", "👏", "🎉"]);
    expect([...floats].every((float) => float.querySelector("svg") !== null && float.textContent === "")).toBe(true);
    expect(floats[0]?.closest("[aria-hidden='true']")).not.toBeNull();
  });

  it("says so when taps come too fast", async () => {
    const user = userEvent.setup();
    const fake = new FakeFetch().on("POST", reactions, problem(429, "rate-limited", "Too many reactions."));
    await renderInteractions({
      viewer: student,
      staff: false,
      fake,
      view: (state) => <ReactionsBar sessionId="session-1" burst={interactionsOf(state).reactions} />,
    });
    await user.click(screen.getByRole("button", { name: "React: Thumbs up" }));
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("Lots of reactions at once: try again in a moment."));
  });
});
