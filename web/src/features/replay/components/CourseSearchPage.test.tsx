// @vitest-environment jsdom
import { cleanup, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { FakeFetch, json } from "../../../api/testing/fake-fetch";
import { aCourse, aUser } from "../../../api/testing/fixtures";
import { renderApp } from "../../../app/testing/render-app";
import { aCourseSearchHit } from "../testing/fixtures";

afterEach(cleanup);

const student = aUser({ id: "user-grace" });

function searchApi(items = [
  aCourseSearchHit({ session_id: "s4", session_title: "Week 4 — the Calvin cycle", start_ms: 95_000, snippet: "fixes «carbon» dioxide", rank: 0.9 }),
  aCourseSearchHit({ session_id: "s3", session_title: "Week 3 — light", start_ms: 30_500, snippet: "no «carbon» yet", rank: 0.5 }),
  aCourseSearchHit({ session_id: "s4", session_title: "Week 4 — the Calvin cycle", kind: "slide", start_ms: 60_000, snippet: "«Carbon» fixation", rank: 0.3 }),
]) {
  return new FakeFetch()
    .on("GET", "/api/v1/courses/c1", json(200, aCourse({ id: "c1", title: "Photosynthesis", my_role: "student" })))
    .on("GET", "/api/v1/courses/c1/sessions", json(200, { items: [] }))
    .on("GET", /^\/api\/v1\/courses\/c1\/search\?/, (request) =>
      json(200, { query: new URL(request.path, "http://fake.test").searchParams.get("q"), items })(request),
    );
}

describe("course search", () => {
  it("goes from the course page's search box to hits grouped by class, each opening its replay at its moment", async () => {
    const user = userEvent.setup();
    const fake = searchApi();
    renderApp("/courses/c1", { signedInAs: student, fake });

    await user.type(await screen.findByRole("searchbox", { name: "Search this course's replays" }), "carbon");
    await user.click(screen.getByRole("button", { name: "Search" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Search Photosynthesis" })).toBeTruthy();
    expect(await screen.findByText("3 places in 2 classes")).toBeTruthy();
    expect(fake.requests.find((request) => request.path.includes("/search?"))?.path).toBe("/api/v1/courses/c1/search?q=carbon&limit=50");

    const week4 = screen.getByRole("region", { name: "Week 4 — the Calvin cycle" });
    const links = within(week4).getAllByRole("link");
    // The class with the best hit first; its hits in time order.
    expect(screen.getAllByRole("heading", { level: 2 }).map((heading) => heading.textContent)).toEqual([
      "Week 4 — the Calvin cycle",
      "Week 3 — light",
    ]);
    expect(links.map((link) => link.getAttribute("href"))).toEqual(["/sessions/s4/replay?t=60", "/sessions/s4/replay?t=95"]);
    expect(links[1]?.textContent).toContain("1:35");
    expect([...week4.querySelectorAll("mark")].map((mark) => mark.textContent)).toEqual(["Carbon", "carbon"]);
    const week3 = screen.getByRole("region", { name: "Week 3 — light" });
    expect(within(week3).getByRole("link").getAttribute("href")).toBe("/sessions/s3/replay?t=30");
  });

  it("says when nothing was found, and asks for words before searching", async () => {
    const user = userEvent.setup();
    renderApp("/courses/c1/search?q=osmosis", { signedInAs: student, fake: searchApi([]) });

    expect(await screen.findByText("Nothing found for “osmosis”")).toBeTruthy();
    const box = screen.getByRole<HTMLInputElement>("searchbox", { name: "Search the replays" });
    expect(box.value).toBe("osmosis");
    await user.clear(box);
    await user.click(screen.getByRole("button", { name: "Search" }));
    expect(screen.getByText("Type what to look for.")).toBeTruthy();
  });
});
