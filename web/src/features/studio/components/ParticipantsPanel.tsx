import { useState } from "react";
import { describeProblem, toProblemError } from "../../../api/problem";
import { useApi } from "../../../auth/useApi";
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
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const nameOf = (userId: string) =>
    participants?.find((person) => person.user_id === userId)?.display_name ??
    hands.find((hand) => hand.user_id === userId)?.display_name ??
    "Someone";

  async function act(key: string, action: () => Promise<unknown>) {
    setBusy(key);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(describeProblem(toProblemError(failure).problem));
    } finally {
      setBusy(null);
    }
  }

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
                <span aria-hidden="true">✋ </span>
                {hand.display_name}
              </span>
              <span className="person__actions">
                <button
                  type="button"
                  className="button button--small button--primary"
                  aria-label={`Bring ${hand.display_name} on stage`}
                  disabled={busy !== null}
                  onClick={() => void bring(hand.user_id)}
                >
                  Bring on stage
                </button>
                <button
                  type="button"
                  className="button button--small"
                  aria-label={`Lower ${hand.display_name}'s hand`}
                  disabled={busy !== null}
                  onClick={() => void act(`lower:${hand.user_id}`, () => lowerHand(api, sessionId, hand.user_id))}
                >
                  Lower
                </button>
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
                <button
                  type="button"
                  className="button button--small"
                  aria-label={`Remove ${nameOf(userId)} from stage`}
                  disabled={busy !== null}
                  onClick={() => void act(`remove:${userId}`, () => removeFromStage(api, sessionId, userId))}
                >
                  Remove
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}

      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}

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
                    <button
                      type="button"
                      className="button button--small"
                      aria-label={`Bring ${person.display_name} on stage`}
                      disabled={busy !== null}
                      onClick={() => void bring(person.user_id)}
                    >
                      Bring on stage
                    </button>
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
