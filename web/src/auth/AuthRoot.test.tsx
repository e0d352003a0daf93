// @vitest-environment jsdom
import { cleanup, render, screen } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { ApiClient } from "../api/client";
import { FakeFetch, json, problem } from "../api/testing/fake-fetch";
import { AuthRoot, type ClerkRoot, fetchSignInConfig } from "./AuthRoot";
import { AuthProvider } from "./AuthProvider";
import { createTokenStore } from "./token-store";
import { useAuth } from "./useAuth";

afterEach(cleanup);

function WhoSignsIn() {
  const { provider, state } = useAuth();
  return (
    <p>
      {provider}: {state.status}
    </p>
  );
}

/** A Clerk root for tests only: records the key it was started with, renders no SDK. */
function fakeClerkRoot(started: string[]): ClerkRoot {
  return function FakeClerkRoot({ publishableKey, children }: { publishableKey: string; children: ReactNode }) {
    started.push(publishableKey);
    return <section aria-label="Fake Clerk">{children}</section>;
  };
}

describe("AuthRoot", () => {
  it("runs the local provider by default, and never starts Clerk", async () => {
    const fake = new FakeFetch().on("POST", "/auth/local/refresh", problem(401, "invalid-refresh-token", "No cookie."));
    const Local = ({ children }: { children: ReactNode }) => (
      <AuthProvider client={new ApiClient({ tokens: createTokenStore(), fetch: fake.fetch })}>{children}</AuthProvider>
    );
    const started: string[] = [];
    render(
      <AuthRoot loadConfig={async () => ({ provider: "local", clerk_publishable_key: null })} clerkRoot={fakeClerkRoot(started)} localRoot={Local}>
        <WhoSignsIn />
      </AuthRoot>,
    );
    expect(await screen.findByText("local: signed-out")).toBeTruthy();
    expect(started).toEqual([]);
    expect(fake.calls("POST", "/auth/local/refresh")).toHaveLength(1);
  });

  it("starts Clerk with the publishable key when the api says Clerk signs people in", async () => {
    const started: string[] = [];
    render(
      <AuthRoot loadConfig={async () => ({ provider: "clerk", clerk_publishable_key: "pk_test_abc" })} clerkRoot={fakeClerkRoot(started)}>
        <p>the app</p>
      </AuthRoot>,
    );
    expect(await screen.findByText("the app")).toBeTruthy();
    expect(screen.getByRole("region", { name: "Fake Clerk" })).toBeTruthy();
    expect(started[0]).toBe("pk_test_abc");
  });

  it("says so when Clerk is chosen without a publishable key", async () => {
    render(
      <AuthRoot loadConfig={async () => ({ provider: "clerk", clerk_publishable_key: null })} clerkRoot={fakeClerkRoot([])}>
        <p>the app</p>
      </AuthRoot>,
    );
    expect((await screen.findByRole("alert")).textContent).toMatch(/MULTISTREAM_CLERK_PUBLISHABLE_KEY/);
    expect(screen.queryByText("the app")).toBeNull();
  });
});

describe("fetchSignInConfig", () => {
  it("reads /auth/config, and falls back to the local provider", async () => {
    const clerk = new FakeFetch().on("GET", "/auth/config", json(200, { provider: "clerk", clerk_publishable_key: "pk_test_abc" }));
    expect(await fetchSignInConfig(clerk.fetch)).toEqual({ provider: "clerk", clerk_publishable_key: "pk_test_abc" });
    const broken = new FakeFetch().on("GET", "/auth/config", problem(500, "internal", "Oops."));
    expect(await fetchSignInConfig(broken.fetch)).toEqual({ provider: "local", clerk_publishable_key: null });
  });
});
