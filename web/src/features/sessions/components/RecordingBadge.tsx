/** Whether a class is recorded, in words (never colour alone); a recorded one carries the REC mark. */
export function RecordingBadge({ recorded }: { recorded: boolean }) {
  return recorded ? (
    <span className="badge badge--rec">
      <span className="rec-mark" aria-hidden="true" />
      Recorded
    </span>
  ) : (
    <span className="badge badge--muted">Not recorded</span>
  );
}
