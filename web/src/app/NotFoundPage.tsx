import { Link } from "react-router";
import { EmptyState } from "../shared/components/EmptyState";
import { useDocumentTitle } from "../shared/hooks/useDocumentTitle";

export function NotFoundPage() {
  useDocumentTitle("Page not found");
  return (
    <div className="page page--narrow">
      <h1>Page not found</h1>
      <EmptyState title="There's nothing at this address">
        <p>The link may be mistyped or out of date.</p>
        <Link className="button" to="/">
          Go to Multistream
        </Link>
      </EmptyState>
    </div>
  );
}
