/**
 * Chooses who signs people in, from `GET /auth/config`: the local provider (the
 * default: `AuthProvider`, its forms and the refresh cookie) or Clerk (`ClerkApp`, a
 * chunk loaded only then). Both fill the same `AuthContext`, so the rest of the app does
 * not know which one it runs on.
 */
import { type ComponentType, type ReactNode, Suspense, lazy, useEffect, useState } from "react";
import type { SignInConfig } from "../api/types";
import { LoadingState } from "../shared/components/LoadingState";
import { AuthProvider } from "./AuthProvider";

export type ClerkRoot = ComponentType<{ publishableKey: string; children: ReactNode }>;

const LOCAL: SignInConfig = { provider: "local", clerk_publishable_key: null };

/** The api's sign-in configuration; the local provider when it cannot be read. */
export async function fetchSignInConfig(fetchImpl: typeof fetch = globalThis.fetch): Promise<SignInConfig> {
  try {
    const response = await fetchImpl("/auth/config", { headers: { Accept: "application/json" } });
    return response.ok ? ((await response.json()) as SignInConfig) : LOCAL;
  } catch {
    return LOCAL;
  }
}

const LazyClerkApp: ClerkRoot = lazy(() => import("./clerk/ClerkApp"));

interface AuthRootProps {
  children: ReactNode;
  /** Tests pass a fixed configuration and a fake Clerk root. */
  loadConfig?: () => Promise<SignInConfig>;
  clerkRoot?: ClerkRoot;
  /** The local provider's root (tests pass one over a fake fetch). */
  localRoot?: ComponentType<{ children: ReactNode }>;
}

export function AuthRoot({ children, loadConfig = fetchSignInConfig, clerkRoot: Clerk = LazyClerkApp, localRoot: Local = AuthProvider }: AuthRootProps) {
  const [config, setConfig] = useState<SignInConfig | null>(null);
  useEffect(() => {
    let cancelled = false;
    void loadConfig().then((loaded) => {
      if (!cancelled) setConfig(loaded);
    });
    return () => {
      cancelled = true;
    };
  }, [loadConfig]);

  const loading = <LoadingState label="Signing you in…" fullPage />;
  if (config === null) return loading;
  if (config.provider === "clerk") {
    if (!config.clerk_publishable_key) {
      return (
        <p className="notice" role="alert">
          Sign-in is set to Clerk, but the server has no MULTISTREAM_CLERK_PUBLISHABLE_KEY.
        </p>
      );
    }
    return (
      <Suspense fallback={loading}>
        <Clerk publishableKey={config.clerk_publishable_key}>{children}</Clerk>
      </Suspense>
    );
  }
  return <Local>{children}</Local>;
}
