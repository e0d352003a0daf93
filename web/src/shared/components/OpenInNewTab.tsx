import { useLocation } from "react-router";
import { isFramed } from "../lib/framing";

// Inside an LMS's iframe the page is small and the browser may block the sign-in cookie
// (third-party cookies): one link opens the same page in a tab of its own.
export function OpenInNewTab({ framed = isFramed() }: { framed?: boolean }) {
  const location = useLocation();
  if (!framed) return null;
  const href = location.pathname + location.search + location.hash;
  return (
    <div className="banner banner--framed" role="note">
      <a href={href} target="_blank" rel="noopener noreferrer">
        Open in a new tab
      </a>
    </div>
  );
}
