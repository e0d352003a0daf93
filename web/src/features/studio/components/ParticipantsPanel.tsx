import { Hand } from "lucide-react";
import { Icon } from "../../../shared/icons/Icon";
import type { ReactNode } from "react";
import { describeProblem } from "../../../api/problem";
import { useApi } from "../../../auth/useApi";
import { ProblemMessage } from "../../../shared/components/InlineError";
import { useAction } from "../../../shared/hooks/useAction";
import { bringOnStage, lowerHand, removeFromStage } from "../../stage/lib/stage-api";
import type { Participant, RaisedHand } from "../../../api/types";
import type { Participants } from "../hooks/useParticipants";

interface ParticipantsPanelProps {
  sessionId: string;
  /** Raised hands in order, from the live session. */
  hands: readonly RaisedHand[];
  /** User ids on stage, in order, from the live session. */
  stage: readonly string[];
  participantCount: number;
  /** The participants list (`useParticipants`), shared with the program preview. */
  people: Participants;
}

/**
 * Who is in the class: raised hands first, in the order they went up, each with
 * "bring on stage" and "lower"; then who is on stage, each with "remove"; then everyone.
 * Hands and stage follow the live events; names and roles come from the participants list.
 */
export function ParticipantsPanel({ sessionId, hands, stage, participantCount, people }: ParticipantsPanelProps) {
  const api = useApi();
  const { participants, error: listError } = people;
  const action = useAction();
  const busy = action.busy !== null;

  const nameOf = (userId: string) =>
    participants?.find((person) => person.user_id === userId)?.display_name ??
    hands.find((hand) => hand.user_id === userId)?.display_name ??
    "Someone";

  // The failure says only why (the api's sentence): the row it came from is right there.
  const act = (key: string, work: () => Promise<unknown>) => void action.run(key, "", work);
  const bring = (userId: string) => act(`stage:${userId}`, () => bringOnStage(api, sessionId, userId));
  // Everyone else: not on stage, no hand up (they have their own lists above).
  const others = (participants ?? []).filter(
    (person) => !stage.includes(person.user_id) && !hands.some((hand) => hand.user_id === person.user_id),
  );

  return (
    <section className="panel participants-panel" aria-labelledby="participants-title">
      <h2 id="participants-title" className="panel__title">
        People <span className="count">{participants?.length ?? participantCount}</span>
      </h2>

      <h3 className="participants-panel__heading">
        Hands <span className="muted">({hands.length})</span>
      </h3>
      {hands.length === 0 ? (
        <p className="muted small">No hands up.</p>
      ) : (
        <ol className="people-list" aria-label="Raised hands">
          {hands.map((hand) => (
            <li key={hand.user_id} className="person">
              <span className="person__name">
                <Icon glyph={Hand} className="person__hand" />
                {hand.display_name}
              </span>
              <span className="person__actions">
                <PersonButton label={`Bring ${hand.display_name} on stage`} primary disabled={busy} onClick={() => bring(hand.user_id)}>
                  Bring on stage
                </PersonButton>
                <PersonButton
                  label={`Lower ${hand.display_name}'s hand`}
                  disabled={busy}
                  onClick={() => act(`lower:${hand.user_id}`, () => lowerHand(api, sessionId, hand.user_id))}
                >
                  Lower
                </PersonButton>
              </span>
            </li>
          ))}
        </ol>
      )}

      <h3 className="participants-panel__heading">
        On stage <span className="muted">({stage.length})</span>
      </h3>
      {stage.length === 0 ? (
        <p className="muted small">Nobody is on stage.</p>
      ) : (
        <ul className="people-list" aria-label="People on stage">
          {stage.map((userId) => (
            <li key={userId} className="person">
              <span className="person__name">{nameOf(userId)}</span>
              <span className="person__actions">
                <PersonButton
                  label={`Remove ${nameOf(userId)} from stage`}
                  disabled={busy}
                  onClick={() => act(`remove:${userId}`, () => removeFromStage(api, sessionId, userId))}
                >
                  Remove
                </PersonButton>
              </span>
            </li>
          ))}
        </ul>
      )}

      <ProblemMessage problem={action.failure?.problem} />

      <details className="participants-panel__everyone">
        <summary>Everyone else{participants ? ` (${others.length})` : ""}</summary>
        {listError && participants === null ? (
          <p className="field__error">Couldn't load the list. {describeProblem(listError.problem)}</p>
        ) : participants === null ? (
          <p className="muted small">Loading…</p>
        ) : others.length === 0 ? (
          <p className="muted small">Nobody else is here yet.</p>
        ) : (
          <ul className="people-list" aria-label="Everyone in the class">
            {others.map((person) => (
              <li key={person.user_id} className="person">
                <span className="person__name">
                  {person.display_name} <RoleTag person={person} />
                </span>
                {person.role === "participant" ? (
                  <span className="person__actions">
                    <PersonButton label={`Bring ${person.display_name} on stage`} disabled={busy} onClick={() => bring(person.user_id)}>
                      Bring on stage
                    </PersonButton>
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </details>
    </section>
  );
}

function RoleTag({ person }: { person: Participant }) {
  if (person.role === "host") return <span className="badge badge--muted">Teacher</span>;
  if (person.role === "moderator") return <span className="badge badge--muted">Assistant</span>;
  return null;
}

/** A small button on a person's row; `label` names the person, for screen readers. */
function PersonButton(props: { label: string; primary?: boolean; disabled: boolean; onClick(): void; children: ReactNode }) {
  const { label, primary = false, disabled, onClick, children } = props;
  const className = primary ? "button button--small button--primary" : "button button--small";
  return (
    <button type="button" className={className} aria-label={label} disabled={disabled} onClick={onClick}>
      {children}
    </button>
  );
}
