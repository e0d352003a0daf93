import { Link } from "react-router";
import { useAuth } from "../../../auth/useAuth";
import { ErrorState } from "../../../shared/components/ErrorState";
import { LoadingState } from "../../../shared/components/LoadingState";
import { useDocumentTitle } from "../../../shared/hooks/useDocumentTitle";
import { CourseCard } from "../../courses/components/CourseCard";
import { useHome } from "../hooks/useHome";
import { ComingUp } from "./ComingUp";
import { ContinueWatching } from "./ContinueWatching";
import { HomeSection } from "./HomeSection";
import { LiveNow } from "./LiveNow";

/** `/` signed in: what is live now, what is coming up, the replay I was watching, my courses. */
export function HomePage() {
  useDocumentTitle("Home");
  const { user } = useAuth();
  const home = useHome();

  return (
    <div className="page home">
      <h1>{user ? `Hello, ${user.display_name}` : "Home"}</h1>
      {home.status === "loading" ? <LoadingState label="Loading your classes…" /> : null}
      {home.status === "error" ? (
        <ErrorState title="Couldn't load your classes" problem={home.error} onRetry={home.reload} />
      ) : null}
      {home.status === "ready" ? (
        <div className="home__sections">
          <LiveNow live={home.data.live} />
          <ComingUp upcoming={home.data.upcoming} />
          <ContinueWatching watching={home.data.watching} />
          <HomeSection
            id="home-courses"
            title="Your courses"
            action={
              <Link className="button button--small" to="/courses">
                {home.data.courses.length === 0 ? "Create a course" : "All courses"}
              </Link>
            }
            empty={
              home.data.courses.length === 0
                ? "No courses yet. Create one to teach, or open the invite link your teacher sent you."
                : null
            }
          >
            <ul className="course-list">
              {home.data.courses.map((course) => (
                <CourseCard key={course.id} course={course} />
              ))}
            </ul>
            {home.data.moreCourses ? (
              <p className="small">
                <Link to="/courses">See all your courses</Link>
              </p>
            ) : null}
          </HomeSection>
        </div>
      ) : null}
    </div>
  );
}
