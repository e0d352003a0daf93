import { Navigate } from "react-router";
import { useAuth } from "../auth/useAuth";
import { HomePage } from "../features/home/components/HomePage";
import { LandingPage } from "../features/home/components/LandingPage";
import { LoadingState } from "../shared/components/LoadingState";

/** `/`: the home page signed in, the landing page signed out (a session that can't be checked: the sign-in page says why). */
export function HomeRedirect() {
  const { state } = useAuth();
  if (state.status === "restoring") return <LoadingState label="Signing you in…" fullPage />;
  if (state.status === "signed-in") return <HomePage />;
  if (state.status === "unavailable") return <Navigate to="/signin" replace />;
  return <LandingPage />;
}
