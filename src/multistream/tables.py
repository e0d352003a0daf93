"""Every table of Multistream, in one place: the import point for Alembic, the processes
and tests.

Each area owns its tables in its own `models.py`; importing them here registers them all on
`Base.metadata`. Functions and triggers exist only in the migrations. Importing this module
also wires every area into the event log (`multistream.areas`): a process that writes to
these tables appends events, and its projections must see them.
"""

from __future__ import annotations

from multistream import areas
from multistream.auth import models as auth_models
from multistream.chat import models as chat_models
from multistream.courses import models as courses_models
from multistream.db.base import Base
from multistream.eventlog import models as eventlog_models
from multistream.lti import models as lti_models
from multistream.pipeline import models as pipeline_models
from multistream.polls import models as polls_models
from multistream.qa import models as qa_models
from multistream.reactions import models as reactions_models
from multistream.recording import models as recording_models
from multistream.replay import models as replay_models
from multistream.sessions import models as sessions_models
from multistream.studio import models as studio_models

metadata = Base.metadata

__all__ = [
    "areas",
    "auth_models",
    "chat_models",
    "courses_models",
    "eventlog_models",
    "lti_models",
    "metadata",
    "pipeline_models",
    "polls_models",
    "qa_models",
    "reactions_models",
    "recording_models",
    "replay_models",
    "sessions_models",
    "studio_models",
]
