/**
 * Renders the whole app at a path, over a FakeFetch, for component tests. The session
 * is real: the first screen asks `/auth/local/refresh` (the cookie) through the fake,
 * exactly as on a reload; a signed-out visitor's refresh is refused.
 */
import { render } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { ApiClient } from "../../api/client";
import { FakeFetch, json, problem } from "../../api/testing/fake-fetch";
import { anAccessGrant } from "../../api/testing/fixtures";
import type { User } from "../../api/types";
import { AuthProvider } from "../../auth/AuthProvider";
import { createTokenStore } from "../../auth/token-store";
import { LiveServicesContext } from "../../features/sessions/live-services";
import { type FakeLive, fakeLiveServices } from "../../features/sessions/testing/fake-live-services";
import { AppRoutes } from "../AppRoutes";

export interface RenderAppOptions {
  /** Sign this user in (through a refresh) before the first screen; omit for signed out. */
  signedInAs?: User;
  fake?: FakeFetch;
  /** Fakes for live sockets, LiveKit and the camera (made fresh when omitted: tests never open real ones). */
  live?: FakeLive;
}

export function renderApp(path: string, options: RenderAppOptions = {}) {
  const fake = options.fake ?? new FakeFetch();
  if (options.signedInAs) {
    fake.on("POST", "/auth/local/refresh", json(200, anAccessGrant(options.signedInAs)));
  } else {
    fake.on("POST", "/auth/local/refresh", problem(401, "invalid-refresh-token", "Sign in again."));
  }
  const live = options.live ?? fakeLiveServices();
  const client = new ApiClient({ tokens: createTokenStore(), fetch: fake.fetch });
  const view = render(
    <AuthProvider client={client}>
      <LiveServicesContext.Provider value={live.services}>
        <MemoryRouter initialEntries={[path]}>
          <AppRoutes />
        </MemoryRouter>
      </LiveServicesContext.Provider>
    </AuthProvider>,
  );
  return { ...view, fake, client, live };
}
