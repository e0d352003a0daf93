"""The areas of a class, wired in one place into the machinery they share.

Lower layers never import the areas above them: `eventlog` does not know chat or polls.
Each area hands its parts over here instead:

- its event types, to `eventlog.catalog` (each area's `schemas.EVENTS`);
- its projection, to `eventlog.projections` (an event is applied in this order: the
  class's row first, then what hangs off it);
- its part of the state snapshot, to `sessions.state` (the field of `SessionState` it
  fills, the function that reads it as an audience sees it, and the one that adds what
  differs per viewer), and the events that change no part of it.

`multistream.tables` imports this module, and every process imports that one for its
tables, so no process appends an event its projections do not see.
"""

from __future__ import annotations

from multistream.chat import projection as chat_projection
from multistream.chat import schemas as chat_schemas
from multistream.chat import service as chat
from multistream.eventlog import catalog, projections
from multistream.polls import projection as polls_projection
from multistream.polls import schemas as polls_schemas
from multistream.polls import service as polls
from multistream.qa import projection as qa_projection
from multistream.qa import schemas as qa_schemas
from multistream.qa import service as qa
from multistream.reactions import projection as reactions_projection
from multistream.reactions import schemas as reactions_schemas
from multistream.recording import schemas as recording_schemas
from multistream.recording import service as recordings
from multistream.replay import schemas as replay_schemas
from multistream.sessions import projection as sessions_projection
from multistream.sessions import schemas as sessions_schemas
from multistream.sessions import state
from multistream.studio import projection as studio_projection
from multistream.studio import schemas as studio_schemas
from multistream.studio import service as studio
from multistream.studio import stage

catalog.register(
    *sessions_schemas.EVENTS.types,
    *studio_schemas.EVENTS.types,
    *chat_schemas.EVENTS.types,
    *qa_schemas.EVENTS.types,
    *polls_schemas.EVENTS.types,
    *reactions_schemas.EVENTS.types,
    *recording_schemas.EVENTS.types,
    *replay_schemas.EVENTS.types,
)

projections.register(
    sessions_projection.PROJECTION,
    chat_projection.PROJECTION,
    studio_projection.PROJECTION,
    qa_projection.PROJECTION,
    polls_projection.PROJECTION,
    reactions_projection.PROJECTION,
)

state.register("recording", recordings.for_state)
state.register("studio", studio.for_state)
state.register("hands", stage.hands)
state.register(
    "chat", chat.for_state, personal=state.Personal(chat.VIEWER_COLUMNS, chat.for_viewer)
)
state.register("questions", qa.for_state, personal=state.Personal(qa.VIEWER_COLUMNS, qa.for_viewer))
state.register(
    "poll", polls.for_state, personal=state.Personal(polls.VIEWER_COLUMNS, polls.for_viewer)
)
state.unseen(*(event_type.name for event_type in reactions_schemas.EVENTS.types))
