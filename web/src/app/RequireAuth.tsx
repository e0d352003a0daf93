import { Navigate, Outlet, useLocation } from "react-router";
import { useAuth } from "../auth/useAuth";
import { SessionUnavailable } from "../features/auth/components/SessionUnavailable";
import { authPathFor } from "../features/auth/lib/return-to";
import { LoadingState } from "../shared/components/LoadingState";

/** Pages behind sign-in; a signed-out visitor is sent to sign in and brought back. */
export function RequireAuth() {
  const { state } = useAuth();
  const location = useLocation();
  switch (state.status) {
    case "restoring":
      return <LoadingState label="Signing you in…" fullPage />;
    case "unavailable":
      return <SessionUnavailable />;
    case "signed-out":
      return <Navigate to={authPathFor("/signin", location.pathname + location.search)} replace />;
    case "signed-in":
      return <Outlet />;
  }
}
