import { useId } from "react";
import type { Course } from "../../../api/types";
import { CourseCard } from "./CourseCard";

interface CourseGroupProps {
  title: string;
  courses: Course[];
}

export function CourseGroup({ title, courses }: CourseGroupProps) {
  const headingId = useId();
  if (courses.length === 0) return null;
  return (
    <section className="course-group" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {title} <span className="count">{courses.length}</span>
      </h2>
      <ul className="course-list">
        {courses.map((course) => (
          <CourseCard key={course.id} course={course} />
        ))}
      </ul>
    </section>
  );
}
