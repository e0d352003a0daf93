"""The chat's rules without a database: who may post when, and the events commands make."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

import multistream.areas  # noqa: F401 - the catalogue knows every area's event types
from multistream.chat import domain
from multistream.chat.schemas import ChatMessageRead
from multistream.courses.models import CourseRole
from multistream.errors import Forbidden, Invalid
from multistream.eventlog import catalog
from multistream.sessions.models import SessionStatus

NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
ADA = uuid.uuid4()
TA = uuid.uuid4()


def message(
    *, author: uuid.UUID = ADA, deleted: bool = False, pinned: bool = False
) -> domain.Message:
    return domain.Message(id=uuid.uuid4(), author_id=author, deleted=deleted, pinned=pinned)


@pytest.mark.parametrize("status", [SessionStatus.ended, SessionStatus.canceled])
def test_a_closed_class_takes_no_messages(status: SessionStatus) -> None:
    with pytest.raises(domain.ChatClosed) as refused:
        domain.require_open(status)
    assert refused.value.detail == (
        f"This class is {status.value}; its chat can be read but takes no new messages."
    )


@pytest.mark.parametrize("status", [SessionStatus.scheduled, SessionStatus.live])
def test_a_scheduled_or_live_class_takes_messages(status: SessionStatus) -> None:
    domain.require_open(status)


def test_a_reply_to_a_message_elsewhere_names_the_field() -> None:
    domain.require_reply_target(True)
    with pytest.raises(Invalid) as refused:
        domain.require_reply_target(False)
    assert (refused.value.field, refused.value.message) == ("reply_to_id", "no such message here")


def test_a_mute_says_until_when() -> None:
    domain.require_not_muted(None, now=NOW)
    domain.require_not_muted(domain.Mute(until=NOW - dt.timedelta(seconds=1)), now=NOW)
    with pytest.raises(domain.Muted) as today:
        domain.require_not_muted(domain.Mute(until=NOW + dt.timedelta(minutes=10)), now=NOW)
    assert today.value.detail == (
        "You are muted in this class until 09:40 UTC. You can still read the chat."
    )
    assert today.value.facts == {"muted_until": "2026-12-01T09:40:00+00:00"}
    with pytest.raises(domain.Muted) as tomorrow:
        domain.require_not_muted(domain.Mute(until=NOW + dt.timedelta(days=1)), now=NOW)
    assert "until 09:30 UTC on 2026-12-02." in tomorrow.value.detail
    with pytest.raises(domain.Muted) as for_good:
        domain.require_not_muted(domain.Mute(until=None), now=NOW)
    assert "for the rest of this class." in for_good.value.detail
    assert for_good.value.facts == {"muted_until": None}


def test_slow_mode_says_when_to_try_again() -> None:
    domain.require_slow_mode_passed(NOW, seconds=0, now=NOW)
    domain.require_slow_mode_passed(None, seconds=30, now=NOW)
    domain.require_slow_mode_passed(NOW - dt.timedelta(seconds=30), seconds=30, now=NOW)
    with pytest.raises(domain.SlowMode) as refused:
        domain.require_slow_mode_passed(NOW - dt.timedelta(seconds=20.5), seconds=30, now=NOW)
    assert refused.value.facts == {"retry_after": 10}
    assert refused.value.detail == "Slow mode is on: one message every 30 s. Try again in 10 s."
    with pytest.raises(domain.SlowMode) as almost:
        domain.require_slow_mode_passed(NOW - dt.timedelta(seconds=29.99), seconds=30, now=NOW)
    assert almost.value.facts == {"retry_after": 1}


def test_only_the_author_or_staff_delete_and_a_deleted_message_stays_deleted() -> None:
    mine = message()
    with pytest.raises(Forbidden) as refused:
        domain.decide_delete(mine, actor_id=uuid.uuid4(), staff=False)
    assert refused.value.facts == {"permission": "chat.moderate"}
    [own] = domain.decide_delete(mine, actor_id=ADA, staff=False)
    [by_staff] = domain.decide_delete(mine, actor_id=TA, staff=True)
    assert (own.type, own.payload["by"]) == ("chat.message_deleted", str(ADA))
    assert by_staff.payload["by"] == str(TA)
    assert domain.decide_delete(message(deleted=True), actor_id=ADA, staff=False) == []


def test_pinning_changes_only_what_differs_and_never_a_deleted_message() -> None:
    [pinned] = domain.decide_pin(message(), pinned=True)
    assert pinned.payload["pinned"] is True
    assert domain.decide_pin(message(pinned=True), pinned=True) == []
    assert domain.decide_pin(message(), pinned=False) == []
    assert domain.decide_pin(message(deleted=True), pinned=False) == []
    with pytest.raises(domain.MessageDeleted):
        domain.decide_pin(message(deleted=True), pinned=True)


def test_only_participants_of_the_course_can_be_muted() -> None:
    until = domain.mute_until(15, now=NOW)
    assert until == NOW + dt.timedelta(minutes=15)
    assert domain.mute_until(None, now=NOW) is None
    student = domain.Member("Ada", CourseRole.student, platform_admin=False)
    event = domain.decide_mute(student, user_id=ADA, until=until)
    assert (event.type, event.payload) == (
        "chat.user_muted",
        {"user_id": str(ADA), "until": "2026-12-01T09:45:00Z"},
    )
    with pytest.raises(Invalid) as stranger:
        domain.decide_mute(None, user_id=ADA, until=None)
    assert stranger.value.field == "user_id"
    with pytest.raises(Invalid):
        domain.decide_mute(domain.Member("Eve", None, False), user_id=ADA, until=None)
    for staff in (domain.Member("Tess", CourseRole.ta, False), domain.Member("Root", None, True)):
        with pytest.raises(domain.CannotMuteStaff) as refused:
            domain.decide_mute(staff, user_id=ADA, until=None)
        assert refused.value.detail.startswith(f"{staff.display_name} is a host or moderator")


def test_unmute_and_slow_mode_log_only_a_change() -> None:
    assert domain.decide_unmute(False, user_id=ADA) == []
    [unmuted] = domain.decide_unmute(True, user_id=ADA)
    assert unmuted.payload == {"user_id": str(ADA)}
    assert domain.decide_slow_mode(30, 30) == []
    [slow] = domain.decide_slow_mode(0, 30)
    assert slow.payload == {"seconds": 30}


def test_every_event_the_rules_make_is_catalogued() -> None:
    posted = ChatMessageRead(
        id=uuid.uuid4(),
        seq=7,
        author_id=ADA,
        author_name="Ada",
        body="Why is the sky blue?",
        reply_to_id=None,
        created_at=NOW,
        deleted=False,
        pinned=False,
    )
    student = domain.Member("Ada", CourseRole.student, platform_admin=False)
    events = [
        domain.decide_post(posted),
        *domain.decide_delete(message(), actor_id=ADA, staff=False),
        *domain.decide_pin(message(), pinned=True),
        domain.decide_mute(student, user_id=ADA, until=None),
        *domain.decide_unmute(True, user_id=ADA),
        *domain.decide_slow_mode(0, 10),
    ]
    for event in events:
        catalog.check(event)
