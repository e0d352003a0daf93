import { useApi } from "../../../auth/useApi";
import { useLmsLink } from "../hooks/useLmsLink";
import { getGradesLink, sendScores } from "../lib/lms-api";
import { describeScoresPosted } from "../lib/lms-results";
import { LmsAction } from "./LmsAction";

/** The class staff's "Send quiz scores to LMS", shown only when an LMS grade column opens the class. */
export function SendScoresCard({ sessionId }: { sessionId: string }) {
  const api = useApi();
  const link = useLmsLink(getGradesLink, sessionId);
  if (!link?.linked) return null;
  return (
    <LmsAction
      title="LMS gradebook"
      explanation="Each student's score on this class's closed quizzes (right answers out of quizzes). Sending again replaces the scores in the LMS."
      platform={link.platform}
      label="Send quiz scores to LMS"
      busyLabel="Sending…"
      run={async () => describeScoresPosted(await sendScores(api, sessionId))}
    />
  );
}
