// @vitest-environment jsdom
import { cleanup, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { FakeFetch, json, problem } from "../../../api/testing/fake-fetch";
import { anAccessGrant, aUser } from "../../../api/testing/fixtures";
import { renderApp } from "../../../app/testing/render-app";

afterEach(cleanup);

describe("SignInPage", () => {
  it("checks the fields before sending anything", async () => {
    const user = userEvent.setup();
    const { fake } = renderApp("/signin");

    await user.click(await screen.findByRole("button", { name: "Sign in" }));

    expect(screen.getByText("Enter your email address.")).toBeTruthy();
    expect(screen.getByLabelText("Email").getAttribute("aria-invalid")).toBe("true");
    // Only the page load's refresh (no cookie here): nothing was sent for the form.
    expect(fake.requests.map((request) => request.path)).toEqual(["/auth/local/refresh"]);
  });

  it("shows the api's detail for wrong credentials", async () => {
    const user = userEvent.setup();
    const fake = new FakeFetch().on(
      "POST",
      "/auth/local/login",
      problem(401, "invalid-credentials", "Email or password is incorrect."),
    );
    renderApp("/signin", { fake });

    await user.type(await screen.findByLabelText("Email"), "ada@example.org");
    await user.type(screen.getByLabelText("Password"), "not the password");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect((await screen.findByRole("alert")).textContent).toBe("Email or password is incorrect.");
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Sign in" }).disabled).toBe(false);
  });

  it("says when a locked account can try again", async () => {
    const user = userEvent.setup();
    const fake = new FakeFetch().on(
      "POST",
      "/auth/local/login",
      problem(429, "too-many-attempts", "Too many attempts; the account is locked for now.", {}, {
        "Retry-After": "300",
      }),
    );
    renderApp("/signin", { fake });

    await user.type(await screen.findByLabelText("Email"), "ada@example.org");
    await user.type(screen.getByLabelText("Password"), "guess guess");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect((await screen.findByRole("alert")).textContent).toBe(
      "Too many attempts; the account is locked for now. Try again in 5 minutes.",
    );
  });

  it("sends a signed-out visitor to sign in and back to the page they wanted", async () => {
    const user = userEvent.setup();
    const ada = aUser();
    const fake = new FakeFetch()
      .on("POST", "/auth/local/login", json(200, anAccessGrant(ada)))
      .on("GET", "/api/v1/courses", json(200, { items: [], next_cursor: null }));
    renderApp("/courses", { fake });

    await user.type(await screen.findByLabelText("Email"), "ada@example.org");
    await user.type(screen.getByLabelText("Password"), "correct horse battery");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Your courses" })).toBeTruthy();
    expect(await screen.findByText("No courses yet — create one")).toBeTruthy();
    expect(screen.getByText(ada.display_name)).toBeTruthy();
    expect(fake.calls("POST", "/auth/local/login")[0]?.body).toEqual({
      email: "ada@example.org",
      password: "correct horse battery",
    });
  });
});

describe("SignUpPage", () => {
  it("puts the api's field errors beside the fields", async () => {
    const user = userEvent.setup();
    const fake = new FakeFetch().on(
      "POST",
      "/auth/local/signup",
      problem(409, "email-taken", "An account with this email already exists."),
    );
    renderApp("/signup", { fake });

    await user.type(await screen.findByLabelText("Your name"), "Ada");
    await user.type(screen.getByLabelText("Email"), "ada@example.org");
    await user.type(screen.getByLabelText(/^Password/), "long enough password");
    await user.click(screen.getByRole("button", { name: "Create account" }));

    expect(await screen.findByText("An account with this email already exists.")).toBeTruthy();
    expect(screen.getByLabelText("Email").getAttribute("aria-invalid")).toBe("true");
  });
});
