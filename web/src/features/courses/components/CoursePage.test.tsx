// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { FakeFetch, json, problem } from "../../../api/testing/fake-fetch";
import { aCourse, aMember, anInvite, aUser } from "../../../api/testing/fixtures";
import { renderApp } from "../../../app/testing/render-app";

afterEach(cleanup);

const teacher = aUser({ id: "user-ada", display_name: "Ada Lovelace" });
const student = aUser({ id: "user-grace", display_name: "Grace Hopper", email: "grace@example.org" });
const course = aCourse({ id: "c1", title: "Photosynthesis", description: "Light and dark reactions." });
const members = [
  aMember({ user_id: "user-ada", display_name: "Ada Lovelace", role: "owner" }),
  aMember({ user_id: "user-grace", display_name: "Grace Hopper", role: "student" }),
];

function courseApi(role: "owner" | "instructor" | "ta" | "student") {
  return new FakeFetch()
    .on("GET", "/api/v1/courses/c1", json(200, { ...course, my_role: role }))
    .on("GET", "/api/v1/courses/c1/members", json(200, { items: members }))
    .on("GET", "/api/v1/courses/c1/invites", json(200, { items: [] }))
    .on("GET", "/api/v1/courses/c1/sessions", json(200, { items: [] }));
}

describe("CoursePage", () => {
  it("shows a student the course and no staff controls", async () => {
    const fake = courseApi("student");
    renderApp("/courses/c1", { signedInAs: student, fake });

    expect(await screen.findByRole("heading", { level: 1, name: "Photosynthesis" })).toBeTruthy();
    expect(screen.getByText("Light and dark reactions.")).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Sessions" })).toBeTruthy();
    expect(screen.getByText("Student")).toBeTruthy();

    expect(screen.queryByRole("heading", { name: /members/i })).toBeNull();
    expect(screen.queryByRole("table")).toBeNull();
    expect(screen.queryByRole("heading", { name: /invite people/i })).toBeNull();
    expect(screen.queryByRole("button", { name: /invite link/i })).toBeNull();
    expect(screen.queryByRole("button", { name: /archive/i })).toBeNull();
    // The UI does not even ask for what a student may not see.
    expect(fake.calls("GET", "/api/v1/courses/c1/members")).toHaveLength(0);
    expect(fake.calls("GET", "/api/v1/courses/c1/invites")).toHaveLength(0);
  });

  it("shows a teaching assistant the members, read-only, and no invite panel", async () => {
    renderApp("/courses/c1", { signedInAs: aUser({ id: "user-ta" }), fake: courseApi("ta") });

    const table = await screen.findByRole("table");
    expect(within(table).getByText("Grace Hopper")).toBeTruthy();
    expect(within(table).queryByRole("combobox")).toBeNull();
    expect(within(table).queryByRole("button")).toBeNull();
    expect(screen.queryByRole("heading", { name: /invite people/i })).toBeNull();
  });

  it("lets the owner change roles, remove members and create invite links", async () => {
    const user = userEvent.setup();
    const fake = courseApi("owner")
      .on(
        "PATCH",
        "/api/v1/courses/c1/members/user-grace",
        json(200, aMember({ user_id: "user-grace", display_name: "Grace Hopper", role: "ta" })),
      )
      .on("POST", "/api/v1/courses/c1/invites", json(201, anInvite({ id: "i1", code: "JOIN-42" })));
    renderApp("/courses/c1", { signedInAs: teacher, fake });

    const table = await screen.findByRole("table");
    // The owner's own row has no controls; Grace's has a role picker and Remove.
    expect(within(table).getAllByRole("combobox")).toHaveLength(1);
    const rolePicker = screen.getByLabelText<HTMLSelectElement>("Role for Grace Hopper");
    await user.selectOptions(rolePicker, "ta");
    await waitFor(() => expect(rolePicker.value).toBe("ta"));
    expect(fake.calls("PATCH", "/api/v1/courses/c1/members/user-grace")[0]?.body).toEqual({ role: "ta" });

    expect(await screen.findByText("No invite links yet")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Create student invite link" }));
    const link = (await screen.findByLabelText("Student invite link")) as HTMLInputElement;
    expect(link.value).toBe(`${window.location.origin}/invite/JOIN-42`);
    expect(fake.calls("POST", "/api/v1/courses/c1/invites")[0]?.body).toEqual({
      role: "student",
      expires_in_hours: 168,
      max_uses: null,
    });
  });

  it("asks before removing a member and shows the api's refusal in the row", async () => {
    const user = userEvent.setup();
    const fake = courseApi("instructor").on(
      "DELETE",
      "/api/v1/courses/c1/members/user-grace",
      problem(403, "forbidden", "Only the owner can remove this member."),
    );
    renderApp("/courses/c1", { signedInAs: aUser({ id: "user-bob" }), fake });

    await user.click(await screen.findByRole("button", { name: "Remove Grace Hopper from the course" }));
    expect(fake.calls("DELETE", "/api/v1/courses/c1/members/user-grace")).toHaveLength(0);
    await user.click(screen.getByRole("button", { name: "Remove" }));

    expect(await screen.findByText("Only the owner can remove this member.")).toBeTruthy();
    expect(screen.getByText("Grace Hopper")).toBeTruthy();
  });

  it("explains a course that is not there", async () => {
    const fake = new FakeFetch().on("GET", "/api/v1/courses/c9", problem(404, "not-found", "Not found."));
    renderApp("/courses/c9", { signedInAs: student, fake });

    expect(await screen.findByText("We couldn't find this course")).toBeTruthy();
  });

  it("offers a retry when loading fails", async () => {
    const user = userEvent.setup();
    const fake = new FakeFetch().on(
      "GET",
      "/api/v1/courses/c1",
      problem(503, "unavailable", "The database is restarting."),
      json(200, { ...course, my_role: "student" }),
    );
    renderApp("/courses/c1", { signedInAs: student, fake });

    expect(await screen.findByText("The database is restarting.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Photosynthesis" })).toBeTruthy();
  });

  it("lets a host choose whether new classes are recorded by default; students never see it", async () => {
    const user = userEvent.setup();
    const fake = courseApi("instructor").on(
      "PATCH",
      "/api/v1/courses/c1",
      json(200, { ...course, my_role: "instructor", record_by_default: false }),
      problem(503, "unavailable", "The database is restarting."),
    );
    renderApp("/courses/c1", { signedInAs: teacher, fake });

    const toggle = await screen.findByRole<HTMLInputElement>("checkbox", { name: "Record new classes by default" });
    expect(toggle.checked).toBe(true);
    await user.click(toggle);
    await waitFor(() => expect(fake.calls("PATCH", "/api/v1/courses/c1")).toHaveLength(1));
    expect(fake.calls("PATCH", "/api/v1/courses/c1")[0]?.body).toEqual({ record_by_default: false });
    await waitFor(() => expect(toggle.checked).toBe(false));
    expect(screen.getByText(/New classes are not recorded unless you tick/)).toBeTruthy();

    // The schedule form now starts unticked.
    await user.click(screen.getByRole("button", { name: "Schedule a class" }));
    expect(screen.getByRole<HTMLInputElement>("checkbox", { name: "Record this class" }).checked).toBe(false);

    // A refused change is said, and the box shows what is saved.
    await user.click(toggle);
    expect(await screen.findByText("Couldn't save the change. The database is restarting.")).toBeTruthy();
    expect(toggle.checked).toBe(false);
    cleanup();

    renderApp("/courses/c1", { signedInAs: student, fake: courseApi("student") });
    await screen.findByRole("heading", { level: 1, name: "Photosynthesis" });
    expect(screen.queryByRole("checkbox", { name: "Record new classes by default" })).toBeNull();
  });
});
