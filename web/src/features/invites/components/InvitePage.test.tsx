// @vitest-environment jsdom
import { cleanup, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { FakeFetch, json, problem } from "../../../api/testing/fake-fetch";
import { aCourse, aUser } from "../../../api/testing/fixtures";
import { renderApp } from "../../../app/testing/render-app";

afterEach(cleanup);

const preview = {
  code: "JOIN-42",
  course_id: "c1",
  course_title: "Photosynthesis",
  role: "student",
  expires_at: null,
  valid: true,
  reason: null,
};

describe("InvitePage", () => {
  it("asks a signed-out visitor to sign up or sign in, and to come back", async () => {
    renderApp("/invite/JOIN-42");

    expect(await screen.findByRole("heading", { name: "You're invited to a course" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Create an account" }).getAttribute("href")).toBe(
      "/signup?next=%2Finvite%2FJOIN-42",
    );
    expect(screen.getByRole("link", { name: "Sign in" }).getAttribute("href")).toBe(
      "/signin?next=%2Finvite%2FJOIN-42",
    );
  });

  it("joins the course and opens it", async () => {
    const user = userEvent.setup();
    const student = aCourse({ id: "c1", my_role: "student" });
    const fake = new FakeFetch()
      .on("GET", "/api/v1/invites/JOIN-42", json(200, preview))
      .on("POST", "/api/v1/invites/JOIN-42/accept", json(200, { course: student, role: "student" }))
      .on("GET", "/api/v1/courses/c1", json(200, student));
    renderApp("/invite/JOIN-42", { signedInAs: aUser(), fake });

    expect(await screen.findByText("You've been invited to join this course as a student.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Join course" }));

    // The course page, not the invitation (whose heading is the course title too).
    expect(await screen.findByRole("heading", { name: "Sessions" })).toBeTruthy();
    expect(screen.getByRole("heading", { level: 1, name: "Photosynthesis" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Join course" })).toBeNull();
  });

  it("explains an expired link without offering to join", async () => {
    const fake = new FakeFetch().on(
      "GET",
      "/api/v1/invites/JOIN-42",
      json(200, { ...preview, valid: false, reason: "expired" }),
    );
    renderApp("/invite/JOIN-42", { signedInAs: aUser(), fake });

    expect(await screen.findByText("This invite link has expired.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Join course" })).toBeNull();
  });

  it("shows the link as dead when it runs out between preview and join", async () => {
    const user = userEvent.setup();
    const fake = new FakeFetch()
      .on("GET", "/api/v1/invites/JOIN-42", json(200, preview))
      .on("POST", "/api/v1/invites/JOIN-42/accept", problem(410, "invite-used-up", "This invite is used up."));
    renderApp("/invite/JOIN-42", { signedInAs: aUser(), fake });

    await user.click(await screen.findByRole("button", { name: "Join course" }));

    expect(await screen.findByText(/used as many times as allowed/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Join course" })).toBeNull();
  });
});
