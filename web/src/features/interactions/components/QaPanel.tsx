import type { Question } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { useAction } from "../../../shared/hooks/useAction";
import { type QuestionModeration, moderateQuestion, voteQuestion } from "../lib/interactions-api";
import { groupQuestions } from "../lib/questions";
import { ActionAlert } from "./ActionAlert";
import { AskForm } from "./AskForm";
import { type QuestionActions, QuestionGroup } from "./QuestionItem";

interface QaPanelProps {
  sessionId: string;
  questions: readonly Question[];
  viewerId: string | null;
  /** Host or moderator: answer, dismiss, reopen; sees dismissed questions and anonymous authors. */
  staff: boolean;
}

const MODERATION_FAILURES: Record<QuestionModeration, string> = {
  answer: "Couldn't mark it answered",
  dismiss: "Couldn't dismiss it",
  reopen: "Couldn't reopen it",
};

/** Questions for the teacher: most upvoted first; students ask and upvote, staff answer. */
export function QaPanel({ sessionId, questions, viewerId, staff }: QaPanelProps) {
  const api = useApi();
  const action = useAction();
  const groups = groupQuestions(questions, staff);
  const empty = groups.open.length + groups.answered.length + groups.dismissed.length === 0;

  const actions: QuestionActions = {
    staff,
    viewerId,
    busy: action.busy,
    onVote: (question) =>
      void action.run(`vote:${question.id}`, "Couldn't change your vote", () =>
        voteQuestion(api, sessionId, question.id, !question.voted),
      ),
    onModerate: (question, to, answerText) =>
      action.run(`${to}:${question.id}`, MODERATION_FAILURES[to], () =>
        moderateQuestion(api, sessionId, question.id, to, answerText),
      ),
  };

  return (
    <div className="qa">
      {staff ? null : <AskForm sessionId={sessionId} />}
      <ActionAlert failure={action.failure} onDismiss={action.dismiss} />
      {empty ? (
        <div className="empty-state empty-state--compact">
          <p className="empty-state__title">No questions yet</p>
          <p className="muted small">
            {staff
              ? "Students' questions appear here, the most upvoted first."
              : "Ask the first one: the questions with the most votes rise to the top."}
          </p>
        </div>
      ) : null}
      <QuestionGroup title="Open questions" questions={groups.open} {...actions} />
      <QuestionGroup title="Answered" questions={groups.answered} {...actions} />
      <QuestionGroup title="Dismissed" questions={groups.dismissed} {...actions} />
    </div>
  );
}
