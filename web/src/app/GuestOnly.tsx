import { Navigate, Outlet, useSearchParams } from "react-router";
import { useAuth } from "../auth/useAuth";
import { safeReturnPath } from "../features/auth/lib/return-to";
import { LoadingState } from "../shared/components/LoadingState";

/**
 * The sign-in and sign-up pages. Once signed in — on arrival or by submitting the
 * form — the visitor goes on to the page they came for.
 */
export function GuestOnly() {
  const { state } = useAuth();
  const [params] = useSearchParams();
  if (state.status === "restoring") return <LoadingState label="Signing you in…" fullPage />;
  if (state.status === "signed-in") return <Navigate to={safeReturnPath(params.get("next"))} replace />;
  return <Outlet />;
}
