// @vitest-environment jsdom
import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { FakeFetch, json, problem } from "../../api/testing/fake-fetch";
import { aUser } from "../../api/testing/fixtures";
import { useAuth } from "../useAuth";
import { ClerkAuthProvider } from "./ClerkAuthProvider";
import { FakeClerkSession } from "./testing/fake-clerk-session";

afterEach(cleanup);

function Probe() {
  const { user, state, api, signOut, externalSignIn: SignInView } = useAuth();
  if (state.status === "signed-out" && SignInView) return <SignInView mode="sign-in" />;
  return (
    <div>
      <p>{user ? `signed in as ${user.display_name}` : state.status}</p>
      <button type="button" onClick={() => void api.GET("/api/v1/courses")}>
        Load courses
      </button>
      <button type="button" onClick={signOut}>
        Sign out
      </button>
    </div>
  );
}

const ClerkForm = ({ mode }: { mode: string }) => <p>Clerk {mode} form</p>;

describe("ClerkAuthProvider", () => {
  it("calls the api with Clerk's session token and never touches the local cookie", async () => {
    const ada = aUser({ auth_provider: "clerk" });
    const fake = new FakeFetch()
      .on("GET", "/api/v1/me", json(200, ada))
      .on("GET", "/api/v1/courses", problem(401, "unauthenticated", "Expired."), json(200, { items: [], next_cursor: null }));
    const session = new FakeClerkSession();
    render(
      <ClerkAuthProvider session={session} signInView={ClerkForm} fetch={fake.fetch}>
        <Probe />
      </ClerkAuthProvider>,
    );
    expect(await screen.findByText(`signed in as ${ada.display_name}`)).toBeTruthy();
    expect(fake.calls("GET", "/api/v1/me")[0]?.headers.get("Authorization")).toBe("Bearer clerk-token-1");

    await userEvent.click(screen.getByRole("button", { name: "Load courses" }));
    // Refused once: a fresh token from Clerk, one retry.
    await expect.poll(() => fake.calls("GET", "/api/v1/courses").length).toBe(2);
    expect(fake.calls("GET", "/api/v1/courses").map((r) => r.headers.get("Authorization"))).toEqual([
      "Bearer clerk-token-1",
      "Bearer clerk-token-2",
    ]);
    expect(fake.requests.some((request) => request.path.startsWith("/auth/local"))).toBe(false);
  });

  it("shows Clerk's own form when nobody is signed in, and signs out through Clerk", async () => {
    const fake = new FakeFetch().on("GET", "/api/v1/me", json(200, aUser({ auth_provider: "clerk" })));
    const session = new FakeClerkSession();
    const view = render(
      <ClerkAuthProvider session={session} signInView={ClerkForm} fetch={fake.fetch}>
        <Probe />
      </ClerkAuthProvider>,
    );
    await screen.findByText(/signed in as/);
    await userEvent.click(screen.getByRole("button", { name: "Sign out" }));
    expect(session.signOuts).toBe(1);
    expect(await screen.findByText("Clerk sign-in form")).toBeTruthy();

    // Clerk reports nobody signed in (e.g. on a later load): its form, no api call.
    const signedOut = new FakeClerkSession();
    signedOut.signedIn = false;
    view.rerender(
      <ClerkAuthProvider session={signedOut} signInView={ClerkForm} fetch={fake.fetch}>
        <Probe />
      </ClerkAuthProvider>,
    );
    expect(await screen.findByText("Clerk sign-in form")).toBeTruthy();
  });
});
