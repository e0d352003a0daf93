import { type FormEvent, useId, useState } from "react";
import { useNavigate } from "react-router";
import { courseSearchPath } from "../lib/replay-paths";

interface CourseSearchFormProps {
  courseId: string;
  /** The text already searched for (the search page's `?q=`). */
  initial?: string;
  /** Names the box: "Search this course's replays". */
  label?: string;
}

/** A search box over every replay of a course; it opens `/courses/:id/search?q=`. */
export function CourseSearchForm({ courseId, initial = "", label = "Search this course's replays" }: CourseSearchFormProps) {
  const id = useId();
  const navigate = useNavigate();
  const [text, setText] = useState(initial);
  const [empty, setEmpty] = useState(false);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const query = text.trim();
    if (query === "") {
      setEmpty(true);
      return;
    }
    setEmpty(false);
    navigate(courseSearchPath(courseId, query));
  }

  return (
    <form role="search" className="course-search" onSubmit={onSubmit} aria-label={label}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <div className="course-search__row">
        <input
          id={id}
          className="input"
          type="search"
          value={text}
          placeholder="A word or phrase from a class"
          enterKeyHint="search"
          aria-invalid={empty}
          aria-describedby={empty ? `${id}-error` : undefined}
          onChange={(event) => setText(event.currentTarget.value)}
        />
        <button type="submit" className="button">
          Search
        </button>
      </div>
      {empty ? (
        <p className="field__error" id={`${id}-error`}>
          Type what to look for.
        </p>
      ) : null}
    </form>
  );
}
