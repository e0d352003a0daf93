interface LoadingStateProps {
  /** What is loading, in words: "Loading your courses…". */
  label: string;
  /** Fills the viewport, for the first load of the app. */
  fullPage?: boolean;
}

export function LoadingState({ label, fullPage = false }: LoadingStateProps) {
  return (
    <div className={fullPage ? "loading-state loading-state--page" : "loading-state"} role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}
