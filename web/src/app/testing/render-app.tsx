/**
 * Renders the whole app at a path, over a FakeFetch, for component tests. The session
 * is real: a stored refresh token is exchanged through the fake, exactly as on a reload.
 */
import { render } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { ApiClient } from "../../api/client";
import { FakeFetch, json } from "../../api/testing/fake-fetch";
import { aTokenPair } from "../../api/testing/fixtures";
import { MemoryStorage } from "../../api/testing/memory-storage";
import type { User } from "../../api/types";
import { AuthProvider } from "../../auth/AuthProvider";
import { REFRESH_TOKEN_KEY, createTokenStore } from "../../auth/token-store";
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
  const storage = new MemoryStorage();
  if (options.signedInAs) {
    storage.setItem(REFRESH_TOKEN_KEY, "stored-refresh-token");
    fake.on("POST", "/auth/local/refresh", json(200, aTokenPair(options.signedInAs)));
  }
  const live = options.live ?? fakeLiveServices();
  const client = new ApiClient({ tokens: createTokenStore(storage), fetch: fake.fetch });
  const view = render(
    <AuthProvider client={client}>
      <LiveServicesContext.Provider value={live.services}>
        <MemoryRouter initialEntries={[path]}>
          <AppRoutes />
        </MemoryRouter>
      </LiveServicesContext.Provider>
    </AuthProvider>,
  );
  return { ...view, fake, storage, client, live };
}
