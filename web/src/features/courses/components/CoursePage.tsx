import { ArrowLeft } from "lucide-react";
import { Icon } from "../../../shared/icons/Icon";
import { Link, useParams } from "react-router";
import type { ProblemError } from "../../../api/problem";
import type { Course } from "../../../api/types";
import { EmptyState } from "../../../shared/components/EmptyState";
import { ErrorState } from "../../../shared/components/ErrorState";
import { LoadingState } from "../../../shared/components/LoadingState";
import { useDocumentTitle } from "../../../shared/hooks/useDocumentTitle";
import { formatDate } from "../../../shared/lib/format-date";
import { InvitePanel } from "../../invites/components/InvitePanel";
import { CourseSearchForm } from "../../replay/components/CourseSearchForm";
import { SessionsSection } from "../../sessions/components/SessionsSection";
import { useCourse } from "../hooks/useCourse";
import { RosterSyncCard } from "../../lms/components/RosterSyncCard";
import { canArchiveCourse, canEditCourse, canManageInvites, canManageMembers, canSeeMembers } from "../lib/permissions";
import { ArchiveCourse } from "./ArchiveCourse";
import { MembersSection } from "./MembersSection";
import { RecordingDefault } from "./RecordingDefault";
import { RoleBadge } from "./RoleBadge";

export function CoursePage() {
  const { courseId = "" } = useParams();
  const course = useCourse(courseId);
  useDocumentTitle(course.status === "ready" ? course.data.title : "Course");

  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/courses"><Icon glyph={ArrowLeft} /> Your courses</Link>
      </nav>
      {course.status === "loading" ? <LoadingState label="Loading the course…" /> : null}
      {course.status === "error" && isMissingCourse(course.error) ? (
        <EmptyState title="We couldn't find this course">
          <p>It may have been removed, or you are not a member. Ask your teacher for an invite link.</p>
          <Link className="button" to="/courses">
            Back to your courses
          </Link>
        </EmptyState>
      ) : null}
      {course.status === "error" && !isMissingCourse(course.error) ? (
        <ErrorState title="Couldn't load the course" problem={course.error} onRetry={course.reload} />
      ) : null}
      {course.status === "ready" ? (
        <CourseView course={course.data} onChanged={(changed) => course.update(() => changed)} />
      ) : null}
    </div>
  );
}

/** Not found, or an address that could never name a course (the api answers 422). */
function isMissingCourse(error: ProblemError): boolean {
  return error.type === "not-found" || error.status === 422;
}

interface CourseViewProps {
  course: Course;
  onChanged(course: Course): void;
}

/** The course for whoever is looking: staff controls appear only for roles that have them. */
export function CourseView({ course, onChanged }: CourseViewProps) {
  const archived = course.archived_at !== null;
  const hasAside =
    canManageInvites(course.my_role) ||
    canManageMembers(course.my_role) ||
    canEditCourse(course.my_role) ||
    canArchiveCourse(course.my_role);
  return (
    <article className="course">
      <header className="course-header">
        <h1>{course.title}</h1>
        <p className="course-header__meta">
          {course.my_role !== null ? (
            <span>
              Your role: <RoleBadge role={course.my_role} />
            </span>
          ) : null}
          {archived ? <span className="badge badge--muted">Archived {formatDate(course.archived_at ?? "")}</span> : null}
        </p>
        {course.description ? <p className="course-description">{course.description}</p> : null}
        <CourseSearchForm courseId={course.id} />
      </header>
      <div className={hasAside ? "course-layout course-layout--with-aside" : "course-layout"}>
        <div className="course-layout__main">
          <SessionsSection course={course} />
          {canSeeMembers(course.my_role) ? <MembersSection course={course} /> : null}
        </div>
        {hasAside ? (
          <div className="course-layout__aside">
            {canManageInvites(course.my_role) && !archived ? <InvitePanel courseId={course.id} /> : null}
            {canManageMembers(course.my_role) && !archived ? <RosterSyncCard courseId={course.id} /> : null}
            {canEditCourse(course.my_role) && !archived ? <RecordingDefault course={course} onChanged={onChanged} /> : null}
            {canArchiveCourse(course.my_role) && !archived ? (
              <ArchiveCourse course={course} onArchived={onChanged} />
            ) : null}
          </div>
        ) : null}
      </div>
    </article>
  );
}
