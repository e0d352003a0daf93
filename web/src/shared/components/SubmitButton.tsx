import type { ReactNode } from "react";

interface SubmitButtonProps {
  submitting: boolean;
  /** The label while the request runs: "Signing in…". */
  busyLabel: string;
  children: ReactNode;
  variant?: "primary" | "secondary";
}

/** A submit button that is disabled, and says so, while its form is being sent. */
export function SubmitButton({ submitting, busyLabel, children, variant = "primary" }: SubmitButtonProps) {
  return (
    <button
      type="submit"
      className={variant === "primary" ? "button button--primary" : "button"}
      disabled={submitting}
      aria-busy={submitting}
    >
      {submitting ? busyLabel : children}
    </button>
  );
}
