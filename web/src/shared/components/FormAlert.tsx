import type { ReactNode } from "react";

/** The form-level error above a form's fields; focusable so it can be announced. */
export function FormAlert({ children }: { children: ReactNode }) {
  if (children === null || children === undefined || children === "") return null;
  return (
    <div className="form-alert" role="alert" tabIndex={-1}>
      {children}
    </div>
  );
}
