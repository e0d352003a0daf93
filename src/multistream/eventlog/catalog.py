"""The event catalogue: every event type the code logs, who may receive it, and its payload.

```
NewEvent ──► catalog.check ──► eventlog.service.append ──► session_events
                  │
                  └── CATALOG[type]: audiences, description, payload model
                                          │
                  contracts.generate ◄────┘  docs/contracts/events.json
```

`eventlog.service.append` checks every event against its entry before inserting it: an
unknown type, an audience the entry does not allow or a payload its model refuses (a
missing, extra or mistyped field) raises `ValueError`, and nothing is written. Types under
`test.` and `bench.` are exempt: tests and benchmarks log events of their own.

Adding an event type means adding its entry here, in the same change as its emitter, and
running `multistream contracts export`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from multistream.chat import schemas as chat
from multistream.eventlog import payloads as p
from multistream.eventlog.domain import NewEvent
from multistream.eventlog.models import EventAudience
from multistream.polls import schemas as polls
from multistream.qa import schemas as qa
from multistream.reactions import schemas as reactions
from multistream.replay.schemas import ReplayStatusChanged

EXEMPT_PREFIXES = ("test.", "bench.")
"""Types that `check` lets through unchecked: events of tests and benchmarks."""

ALL = frozenset({EventAudience.all})
STAFF = frozenset({EventAudience.staff})
ALL_OR_STAFF = frozenset({EventAudience.all, EventAudience.staff})


@dataclasses.dataclass(frozen=True)
class EventType:
    """One type of event: its name, its payload model, and the audiences it is logged with."""

    name: str
    payload: Any
    """A payload model (an `EventPayload`), or a named union of them."""
    description: str
    audiences: frozenset[EventAudience] = ALL
    adapter: TypeAdapter[Any] = dataclasses.field(init=False, repr=False, compare=False)
    """Built once, with the entry: `check` only validates."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "adapter", TypeAdapter(self.payload))


def _catalog(*types: EventType) -> Mapping[str, EventType]:
    catalog = {event_type.name: event_type for event_type in types}
    assert len(catalog) == len(types), "an event type is listed twice"
    return dict(sorted(catalog.items()))


CATALOG: Mapping[str, EventType] = _catalog(
    # --- sessions and participants
    EventType(
        "session.scheduled",
        p.SessionScheduled,
        "A class was scheduled; its default scenes come with it.",
    ),
    EventType(
        "session.updated",
        p.SessionUpdated,
        "The title, description, times or recording choice of a class changed.",
    ),
    EventType("session.started", p.SessionStarted, "The class went live."),
    EventType(
        "session.ended",
        p.SessionEnded,
        "The class ended: by the host, or because LiveKit closed the room.",
    ),
    EventType("session.canceled", p.SessionCanceled, "A scheduled class was canceled."),
    EventType(
        "session.ending_soon",
        p.SessionEndingSoon,
        "The class will end by itself soon: no host is connected, or it ran far past its"
        " scheduled end.",
    ),
    EventType(
        "session.ending_canceled",
        p.SessionEndingCanceled,
        "The class no longer ends by itself: a host came back, or it was extended.",
    ),
    EventType(
        "session.media_status",
        p.SessionMediaStatus,
        "Whether live media (LiveKit) works for the class changed.",
    ),
    EventType(
        "participant.joined",
        p.ParticipantJoined,
        "A person joined the class for the first time.",
    ),
    # --- stage and hands
    EventType(
        "stage.invited",
        p.StagePerson,
        "Staff brought a participant on stage: they may publish.",
    ),
    EventType(
        "stage.joined",
        p.StagePerson,
        "A participant on stage published a track (LiveKit reported it): they are on air.",
    ),
    EventType("stage.left", p.StageLeft, "Staff took a participant off the stage."),
    EventType("hand.raised", p.HandRaised, "A participant raised their hand."),
    EventType(
        "hand.lowered",
        p.HandLowered,
        "A hand came down: lowered by its owner, or by staff bringing the person on stage.",
    ),
    # --- studio
    EventType("studio.scene_created", p.StudioSceneChanged, "A scene was added to the switcher."),
    EventType(
        "studio.scene_updated",
        p.StudioSceneChanged,
        "A scene was edited or moved; every scene whose position changed gets its own.",
    ),
    EventType("studio.scene_deleted", p.StudioSceneDeleted, "A scene was deleted."),
    EventType("studio.scene_activated", p.StudioSceneActivated, "The host switched scenes."),
    EventType(
        "studio.deck_attached",
        p.StudioDeckAttached,
        "A slide deck was attached, showing its first page.",
    ),
    EventType("studio.slide_changed", p.StudioSlideChanged, "The deck moved to another page."),
    EventType(
        "studio.banner_set",
        p.StudioBannerSet,
        "The banner over the stage was set, or taken down (null).",
    ),
    # --- chat
    EventType("chat.message_posted", chat.ChatMessagePosted, "A chat message was posted."),
    EventType("chat.message_deleted", chat.ChatMessageDeleted, "A chat message was deleted."),
    EventType(
        "chat.message_pinned", chat.ChatMessagePinned, "A chat message was pinned or unpinned."
    ),
    EventType(
        "chat.user_muted",
        chat.ChatUserMuted,
        "Staff muted a participant, for some minutes or the rest of the class.",
    ),
    EventType("chat.user_unmuted", chat.ChatUserUnmuted, "Staff lifted a participant's mute."),
    EventType(
        "chat.slow_mode_set",
        chat.ChatSlowModeSet,
        "The least time between two messages of a participant changed (0: off).",
    ),
    # --- questions
    EventType(
        "qa.question_asked",
        qa.QuestionAsked,
        "A question was asked; an anonymous one names no author (nor actor).",
    ),
    EventType(
        "qa.question_author",
        qa.QuestionAuthor,
        "Who asked an anonymous question, for staff only.",
        STAFF,
    ),
    EventType(
        "qa.vote_cast",
        qa.QuestionVoted,
        "The actor upvoted a question; only they receive it.",
        frozenset({EventAudience.actor}),
    ),
    EventType(
        "qa.vote_removed",
        qa.QuestionVoted,
        "The actor took their upvote back; only they receive it.",
        frozenset({EventAudience.actor}),
    ),
    EventType(
        "qa.votes_changed",
        qa.QuestionVotesChanged,
        "New upvote counts, at most every 500 ms per class (the aggregator).",
    ),
    EventType("qa.question_answered", qa.QuestionAnswered, "A question was answered."),
    EventType("qa.question_dismissed", qa.QuestionChanged, "Staff dismissed a question."),
    EventType("qa.question_reopened", qa.QuestionChanged, "Staff reopened a question."),
    # --- polls and reactions
    EventType("poll.created", polls.PollCreated, "A draft poll was created, for staff.", STAFF),
    EventType("poll.opened", polls.PollCreated, "A poll opened for votes, as students see it."),
    EventType(
        "poll.vote_cast",
        polls.PollVoteCast,
        "Someone voted or changed their vote: only the voter receives it, nobody for an "
        "anonymous poll.",
        frozenset({EventAudience.actor, EventAudience.none}),
    ),
    EventType(
        "poll.tally",
        polls.PollTally,
        "Counts of an open poll (the aggregator; staff only while results are hidden), or "
        "the final counts for staff when a poll with hidden results closes.",
        ALL_OR_STAFF,
    ),
    EventType(
        "poll.closed",
        polls.PollClosed,
        "A poll closed; its counts are null unless results are shown.",
    ),
    EventType(
        "poll.results_shown",
        polls.PollResultsShown,
        "Staff showed the results to students or hid them again (staff only for a draft).",
        ALL_OR_STAFF,
    ),
    EventType(
        "reactions.burst",
        reactions.ReactionsBurst,
        "The emoji reactions of one second of the class (the aggregator).",
    ),
    # --- recordings and replays
    EventType(
        "recording.started",
        p.RecordingStarted,
        "The recorder started: the precise wall-clock time of its first sample.",
    ),
    EventType(
        "recording.stopped",
        p.RecordingStopped,
        "The recording is stored, or it failed.",
    ),
    EventType(
        "recording.resumed",
        p.RecordingResumed,
        "Another recorder took over after the recorder was lost; the gap is in the payload.",
    ),
    EventType(
        "recording.failed",
        p.RecordingUnavailable,
        "The class is not being recorded: no recorder was free, or the recorder was lost.",
        STAFF,
    ),
    EventType(
        "recording.uploading",
        p.RecordingUploading,
        "The class is over: the recorder is putting the file together and storing it.",
    ),
    EventType(
        "recording.deleted",
        p.RecordingDeleted,
        "Staff deleted the recording and everything made from it.",
    ),
    EventType(
        "replay.status_changed",
        ReplayStatusChanged,
        "The replay moved one step through its states (the pipeline).",
    ),
)


def check(event: NewEvent) -> None:
    """Refuse (`ValueError`) an event whose type the catalogue does not know, or whose
    audience or payload its entry does not allow. Types under `EXEMPT_PREFIXES` pass."""
    if event.type.startswith(EXEMPT_PREFIXES):
        return
    entry = CATALOG.get(event.type)
    if entry is None:
        raise ValueError(
            f"unknown event type {event.type!r}: add it to multistream.eventlog.catalog"
        )
    if event.audience not in entry.audiences:
        allowed = " or ".join(sorted(entry.audiences))
        raise ValueError(
            f"{event.type} may be logged with audience {allowed}, not {event.audience.value}"
        )
    try:
        # Python mode, as the emitter built it: nothing is re-serialised or stored from it.
        entry.adapter.validate_python(event.payload)
    except ValidationError as error:
        raise ValueError(f"payload of {event.type} does not match its model: {error}") from error


def json_schema() -> dict[str, Any]:
    """The catalogue as one JSON Schema document: under `events`, each type's audiences,
    description and payload (a `$ref` into `$defs`), sorted by type."""
    refs, definitions = TypeAdapter.json_schemas(
        [(name, "validation", entry.adapter) for name, entry in CATALOG.items()],
        ref_template="#/$defs/{model}",
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Multistream session events",
        "description": (
            "Every event type of a session's log. An event reaches clients in the envelope"
            " `EventEnvelope` (schemas.json) with one of these types, one of its audiences"
            " and a payload matching its schema."
        ),
        "events": {
            name: {
                "audience": sorted(entry.audiences),
                "description": entry.description,
                "payload": refs[(name, "validation")],
            }
            for name, entry in CATALOG.items()
        },
        "$defs": definitions.get("$defs", {}),
    }
