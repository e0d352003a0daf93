import { ArrowLeft } from "lucide-react";
import { Icon } from "../../../shared/icons/Icon";
import { useId } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import type { CourseSearchHit } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { EmptyState } from "../../../shared/components/EmptyState";
import { ErrorState } from "../../../shared/components/ErrorState";
import { LoadingState } from "../../../shared/components/LoadingState";
import { useDocumentTitle } from "../../../shared/hooks/useDocumentTitle";
import { useResource } from "../../../shared/hooks/useResource";
import { formatDateTime } from "../../../shared/lib/format-date";
import { useCourse } from "../../courses/hooks/useCourse";
import { type ClassHits, groupHitsByClass } from "../lib/course-search";
import { formatMediaTime } from "../lib/format-media-time";
import { searchCourse } from "../lib/replay-api";
import { replayPath } from "../lib/replay-paths";
import { hitKindLabel } from "../lib/search-hits";
import { CourseSearchForm } from "./CourseSearchForm";
import { Snippet } from "./Snippet";

/**
 * `/courses/:courseId/search?q=<text>`: where a course's replays talked about something,
 * grouped by class; each hit opens its replay at that moment.
 */
export function CourseSearchPage() {
  const { courseId = "" } = useParams();
  const [params] = useSearchParams();
  const query = (params.get("q") ?? "").trim();
  const course = useCourse(courseId);
  const courseTitle = course.status === "ready" ? course.data.title : null;
  useDocumentTitle(query ? `Search: ${query}` : "Search the course");
  const coursePath = `/courses/${encodeURIComponent(courseId)}`;

  return (
    <div className="page course-search-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={coursePath}><Icon glyph={ArrowLeft} /> Back to {courseTitle ?? "the course"}</Link>
      </nav>
      <h1>Search {courseTitle ?? "the course"}</h1>
      {/* Keyed by the query: going back to another search shows its text. */}
      <CourseSearchForm key={query} courseId={courseId} initial={query} label="Search the replays" />
      {query !== "" ? <CourseSearchResults courseId={courseId} query={query} /> : (
        <p className="muted">Find where a class talked about something: what was said, the slides, questions and chat.</p>
      )}
    </div>
  );
}

function CourseSearchResults({ courseId, query }: { courseId: string; query: string }) {
  const api = useApi();
  const results = useResource((signal) => searchCourse(api, courseId, query, signal), [api, courseId, query]);
  if (results.status === "loading") return <LoadingState label="Searching…" />;
  if (results.status === "error") {
    return <ErrorState title="Couldn't search the course" problem={results.error} onRetry={results.reload} />;
  }
  const groups = groupHitsByClass(results.data.items);
  if (groups.length === 0) {
    return (
      <EmptyState title={`Nothing found for “${query}”`}>
        <p>Try other words. Classes appear here once their replay is ready.</p>
      </EmptyState>
    );
  }
  const hitCount = results.data.items.length;
  return (
    <section className="course-search-results" aria-label={`Results for “${query}”`}>
      <p className="muted" role="status">
        {hitCount} {hitCount === 1 ? "place" : "places"} in {groups.length} {groups.length === 1 ? "class" : "classes"}
      </p>
      {groups.map((group) => (
        <ClassResults key={group.sessionId} group={group} />
      ))}
    </section>
  );
}

function ClassResults({ group }: { group: ClassHits }) {
  const headingId = useId();
  return (
    <section className="card course-search-class" aria-labelledby={headingId}>
      <h2 id={headingId} className="course-search-class__title">
        {group.title}
      </h2>
      {group.startedAt ? <p className="muted small">{formatDateTime(group.startedAt)}</p> : null}
      <ol className="course-search-class__hits">
        {group.hits.map((hit, index) => (
          <CourseHit key={`${hit.kind}-${hit.start_ms}-${index}`} hit={hit} />
        ))}
      </ol>
    </section>
  );
}

function CourseHit({ hit }: { hit: CourseSearchHit }) {
  return (
    <li>
      <Link className="replay-hit" to={replayPath(hit.session_id, { atMs: hit.start_ms })}>
        <span className="replay-time">{formatMediaTime(hit.start_ms)}</span>{" "}
        <span className="replay-hit__kind">{hitKindLabel(hit.kind)}</span> <Snippet text={hit.snippet} />
      </Link>
    </li>
  );
}
