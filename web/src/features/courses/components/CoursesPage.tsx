import type { Course } from "../../../api/types";
import { ErrorState } from "../../../shared/components/ErrorState";
import { EmptyState } from "../../../shared/components/EmptyState";
import { LoadingState } from "../../../shared/components/LoadingState";
import { useDocumentTitle } from "../../../shared/hooks/useDocumentTitle";
import { useCourseList } from "../hooks/useCourseList";
import { groupCourses } from "../lib/group-courses";
import { CourseCard } from "./CourseCard";
import { CourseGroup } from "./CourseGroup";
import { CREATE_COURSE_TITLE_ID, CreateCourseForm } from "./CreateCourseForm";

export function CoursesPage() {
  useDocumentTitle("Your courses");
  const courses = useCourseList();

  return (
    <div className="page">
      <h1>Your courses</h1>
      <div className="courses-layout">
        <div className="courses-layout__list">
          {courses.status === "loading" ? <LoadingState label="Loading your courses…" /> : null}
          {courses.status === "error" ? (
            <ErrorState title="Couldn't load your courses" problem={courses.error} onRetry={courses.reload} />
          ) : null}
          {courses.status === "ready" ? (
            <>
              <CourseSections courses={courses.data.items} />
              {courses.data.next_cursor !== null ? (
                <div className="load-more">
                  {courses.loadMoreError ? (
                    <p className="field__error" role="alert">
                      {courses.loadMoreError.message}
                    </p>
                  ) : null}
                  <button
                    type="button"
                    className="button"
                    onClick={() => void courses.loadMore()}
                    disabled={courses.loadingMore}
                  >
                    {courses.loadingMore ? "Loading…" : "Show more courses"}
                  </button>
                </div>
              ) : null}
            </>
          ) : null}
        </div>
        <div className="courses-layout__aside">
          <CreateCourseForm />
        </div>
      </div>
    </div>
  );
}

function CourseSections({ courses }: { courses: readonly Course[] }) {
  if (courses.length === 0) {
    return (
      <EmptyState title="No courses yet — create one">
        <p>
          Start a course to teach live classes, or open the invite link your teacher sent you to join
          theirs.
        </p>
        <a className="button button--primary" href={`#${CREATE_COURSE_TITLE_ID}`}>
          Create a course
        </a>
      </EmptyState>
    );
  }
  const groups = groupCourses(courses);
  return (
    <>
      <CourseGroup title="Teaching" courses={groups.teaching} />
      <CourseGroup title="Learning" courses={groups.learning} />
      {groups.archived.length > 0 ? (
        <details className="course-group course-group--archived">
          <summary>
            Archived <span className="count">{groups.archived.length}</span>
          </summary>
          <ul className="course-list">
            {groups.archived.map((course) => (
              <CourseCard key={course.id} course={course} />
            ))}
          </ul>
        </details>
      ) : null}
    </>
  );
}
