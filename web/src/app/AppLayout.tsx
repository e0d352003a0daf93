import { Outlet } from "react-router";
import { OfflineBanner } from "../shared/components/OfflineBanner";
import { OpenInNewTab } from "../shared/components/OpenInNewTab";
import { AppHeader } from "./AppHeader";

export function AppLayout() {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppHeader />
      <OpenInNewTab />
      <OfflineBanner />
      <main id="main" className="app-main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
