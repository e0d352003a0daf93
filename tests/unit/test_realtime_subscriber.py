"""A socket's side of the fan-out, without sockets or services.

`FakeSocket` stands in for the WebSocket and `empty_log` for the event log; the real ones
are exercised by tests/integration/test_realtime.py.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from typing import Any

from multistream.access.policy import SessionRole
from multistream.eventlog.domain import Viewer
from multistream.eventlog.models import EventAudience
from multistream.eventlog.schemas import EventEnvelope
from multistream.realtime.protocol import CloseCode
from multistream.realtime.service import Admission
from multistream.realtime.subscriber import LiveEvent, Subscriber

SESSION = uuid.uuid4()
STUDENT = Viewer(user_id=uuid.uuid4(), staff=False)
TEACHER = Viewer(user_id=uuid.uuid4(), staff=True)


def event(
    seq: int, audience: EventAudience = EventAudience.all, actor_id: uuid.UUID | None = None
) -> LiveEvent:
    return LiveEvent.from_envelope(
        EventEnvelope(
            session_id=SESSION,
            seq=seq,
            type="test.happened",
            occurred_at=dt.datetime.now(dt.UTC),
            actor_id=actor_id,
            audience=audience,
            payload={"n": seq},
        )
    )


class FakeSocket:
    """Records what it is sent; a `stuck` one never finishes a write (a full TCP buffer)."""

    def __init__(self, *, stuck: bool = False) -> None:
        self.sent: list[dict[str, Any]] = []
        self.stuck = stuck

    async def send_text(self, text: str) -> None:
        if self.stuck and self.sent:  # the welcome goes out, then nothing
            await asyncio.Event().wait()
        self.sent.append(json.loads(text))


async def empty_log(session_id: uuid.UUID, after: int) -> list[EventEnvelope]:
    return []


def subscriber(socket: FakeSocket, *, queue_limit: int = 100) -> Subscriber:
    admission = Admission(
        session_id=SESSION,
        viewer=STUDENT,
        role=SessionRole.participant,
        head=1,
        token_expires_at=float("inf"),
    )
    return Subscriber(
        socket,  # type: ignore[arg-type]
        admission,
        after=1,
        queue_limit=queue_limit,
        read_log=empty_log,
    )


# --- frames -----------------------------------------------------------------------------


def test_an_event_is_serialized_once_per_audience_variant() -> None:
    staff_only = event(7, EventAudience.staff)
    for_teacher = staff_only.frame_for(TEACHER)
    for_student = staff_only.frame_for(STUDENT)
    assert json.loads(for_teacher)["type"] == "test.happened"
    assert json.loads(for_student) == {"seq": 7, "type": "gap.filtered"}
    # The same string objects for every viewer of a variant: no per-socket work.
    assert staff_only.frame_for(Viewer(user_id=uuid.uuid4(), staff=False)) is for_student
    assert staff_only.frame_for(Viewer(user_id=uuid.uuid4(), staff=True)) is for_teacher


def test_actor_events_reach_only_their_actor_and_none_events_nobody() -> None:
    mine = event(3, EventAudience.actor, actor_id=STUDENT.user_id)
    assert json.loads(mine.frame_for(STUDENT))["seq"] == 3
    assert json.loads(mine.frame_for(TEACHER))["type"] == "gap.filtered"
    nobody = event(4, EventAudience.none)
    assert json.loads(nobody.frame_for(TEACHER))["type"] == "gap.filtered"


# --- sending ----------------------------------------------------------------------------


def test_a_stuck_subscriber_is_cut_off_at_its_bound_and_the_others_get_everything() -> None:
    async def scenario() -> tuple[Subscriber, Subscriber, FakeSocket]:
        stuck = subscriber(FakeSocket(stuck=True), queue_limit=4)
        fine_socket = FakeSocket()
        fine = subscriber(fine_socket, queue_limit=4)
        await asyncio.sleep(0)  # both send their welcome
        for seq in range(2, 12):
            for each in (stuck, fine):
                each.offer(event(seq))
            await asyncio.sleep(0)
        await asyncio.sleep(0.01)
        fine.task.cancel()
        return stuck, fine, fine_socket

    stuck, fine, fine_socket = asyncio.run(scenario())
    assert stuck.close_code is CloseCode.slow_client
    assert stuck.task.cancelled()
    assert not stuck.queue  # its backlog goes with it
    assert fine.close_code is None
    assert [frame.get("seq", frame["type"]) for frame in fine_socket.sent] == [
        "welcome",
        *range(2, 12),
    ]


def test_a_ping_goes_out_after_what_was_queued_before_it() -> None:
    async def scenario() -> FakeSocket:
        socket = FakeSocket()
        listener = subscriber(socket)
        await asyncio.sleep(0)
        listener.ping()
        listener.offer(event(2))
        await asyncio.sleep(0.01)
        listener.task.cancel()
        return socket

    sent = asyncio.run(scenario()).sent
    assert [frame.get("seq", frame["type"]) for frame in sent] == ["welcome", 2, "ping"]


def test_events_already_sent_by_the_catch_up_are_skipped() -> None:
    async def scenario() -> FakeSocket:
        socket = FakeSocket()
        listener = subscriber(socket)
        await asyncio.sleep(0)
        for seq in (1, 2, 2, 3):  # 1 was covered by `after`; 2 arrives twice
            listener.offer(event(seq))
        await asyncio.sleep(0.01)
        listener.task.cancel()
        return socket

    sent = asyncio.run(scenario()).sent
    assert [frame.get("seq", frame["type"]) for frame in sent] == ["welcome", 2, 3]
