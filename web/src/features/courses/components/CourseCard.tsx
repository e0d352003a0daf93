import { Link } from "react-router";
import type { Course } from "../../../api/types";
import { RoleBadge } from "./RoleBadge";

export function CourseCard({ course }: { course: Course }) {
  return (
    <li>
      <Link className="course-card" to={`/courses/${encodeURIComponent(course.id)}`}>
        <span className="course-card__title">{course.title}</span>
        <span className="course-card__meta">
          <RoleBadge role={course.my_role} />
          {course.archived_at !== null ? <span className="badge badge--muted">Archived</span> : null}
        </span>
        {course.description ? <span className="course-card__description">{course.description}</span> : null}
      </Link>
    </li>
  );
}
