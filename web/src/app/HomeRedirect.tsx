import { Navigate } from "react-router";
import { useAuth } from "../auth/useAuth";
import { LoadingState } from "../shared/components/LoadingState";

export function HomeRedirect() {
  const { state } = useAuth();
  if (state.status === "restoring") return <LoadingState label="Signing you in…" fullPage />;
  return <Navigate to={state.status === "signed-in" ? "/courses" : "/signin"} replace />;
}
