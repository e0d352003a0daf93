/**
 * Renders the interactions column over a FakeFetch, signed in as `viewer`, with a
 * snapshot the test moves forward by delivering events (tests only).
 */
import { act, render, waitFor } from "@testing-library/react";
import { expect } from "vitest";
import { type ReactNode, useState } from "react";
import { ApiClient } from "../../../api/client";
import { FakeFetch, json } from "../../../api/testing/fake-fetch";
import { anAccessGrant } from "../../../api/testing/fixtures";
import type { User } from "../../../api/types";
import { AuthProvider } from "../../../auth/AuthProvider";
import { useAuth } from "../../../auth/useAuth";
import { createTokenStore } from "../../../auth/token-store";
import type { FeedEvent } from "../../../events/frames";
import type { InteractionSlices } from "../../../events/interactions";
import { applyInteractionEvent } from "../../../events/interactions-reducer";
import type { FeedSnapshot } from "../../../events/session-feed";
import { InteractionsColumn } from "../components/InteractionsColumn";

export interface RenderInteractionsOptions {
  viewer: User;
  staff: boolean;
  state?: InteractionSlices;
  fake?: FakeFetch;
  feed?: FeedSnapshot | null;
  /** What to render over the snapshot (the interactions column by default). */
  view?: (state: InteractionSlices) => ReactNode;
}

export async function renderInteractions(options: RenderInteractionsOptions) {
  const fake = options.fake ?? new FakeFetch();
  fake.on("POST", "/auth/local/refresh", json(200, anAccessGrant(options.viewer)));
  const client = new ApiClient({ tokens: createTokenStore(), fetch: fake.fetch });
  let apply: ((event: FeedEvent) => void) | null = null;

  function Harness() {
    const { user } = useAuth();
    const [state, setState] = useState<InteractionSlices>(options.state ?? {});
    apply = (event) => setState((current) => applyInteractionEvent(current, event));
    if (user === null) return null;
    if (options.view) return <>{options.view(state)}</>;
    return (
      <InteractionsColumn sessionId="session-1" state={state} staff={options.staff} feed={options.feed ?? null} />
    );
  }

  const rendered = render(
    <AuthProvider client={client}>
      <Harness />
    </AuthProvider>,
  );
  const { container } = rendered;
  await waitFor(() => expect(container.childElementCount).toBeGreaterThan(0));
  return {
    ...rendered,
    fake,
    /** Plays the feed: applies events to the snapshot, as the session reducer does. */
    deliver(...events: FeedEvent[]) {
      act(() => {
        for (const event of events) apply?.(event);
      });
    },
  };
}
