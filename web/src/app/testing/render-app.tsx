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
import { AppRoutes } from "../AppRoutes";

export interface RenderAppOptions {
  /** Sign this user in (through a refresh) before the first screen; omit for signed out. */
  signedInAs?: User;
  fake?: FakeFetch;
}

export function renderApp(path: string, options: RenderAppOptions = {}) {
  const fake = options.fake ?? new FakeFetch();
  const storage = new MemoryStorage();
  if (options.signedInAs) {
    storage.setItem(REFRESH_TOKEN_KEY, "stored-refresh-token");
    fake.on("POST", "/auth/local/refresh", json(200, aTokenPair(options.signedInAs)));
  }
  const client = new ApiClient({ tokens: createTokenStore(storage), fetch: fake.fetch });
  const view = render(
    <AuthProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <AppRoutes />
      </MemoryRouter>
    </AuthProvider>,
  );
  return { ...view, fake, storage, client };
}
