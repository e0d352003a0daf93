// @vitest-environment jsdom
import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import { OpenInNewTab } from "./OpenInNewTab";

afterEach(cleanup);

function renderAt(path: string, framed: boolean) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <OpenInNewTab framed={framed} />
    </MemoryRouter>,
  );
}

describe("OpenInNewTab", () => {
  it("offers the same page in a new tab when the app is framed", async () => {
    renderAt("/courses/c1/search?q=cells", true);
    const link = screen.getByRole("link", { name: "Open in a new tab" });
    expect(link.getAttribute("href")).toBe("/courses/c1/search?q=cells");
    expect(link.getAttribute("target")).toBe("_blank");
    expect(link.getAttribute("rel")).toBe("noopener noreferrer");
    // Reached with the keyboard, like any link.
    await userEvent.setup().tab();
    expect(document.activeElement).toBe(link);
  });

  it("shows nothing in a tab of its own", () => {
    renderAt("/courses/c1", false);
    expect(screen.queryByRole("link", { name: "Open in a new tab" })).toBeNull();
  });
});
