"""The replay state machine (`replay.domain`)."""

from __future__ import annotations

import pytest

from multistream.replay.domain import can_move, path_to
from multistream.sessions.models import ReplayStatus as R

ALLOWED = {
    (R.none, R.pending),
    (R.pending, R.processing),
    (R.processing, R.partial),
    (R.partial, R.ready),
    (R.pending, R.failed),
    (R.processing, R.failed),
    (R.partial, R.failed),
    (R.failed, R.processing),
    # Staff may delete a recording (issue 15) whatever its replay's state; nothing after.
    *((status, R.deleted) for status in R if status is not R.deleted),
}


@pytest.mark.parametrize("current", list(R))
@pytest.mark.parametrize("target", list(R))
def test_transitions_are_exactly_the_specs(current: R, target: R) -> None:
    assert can_move(current, target) is ((current, target) in ALLOWED)


def test_the_pipeline_passes_through_every_status_in_order() -> None:
    assert path_to(R.none, R.pending) == [R.pending]
    assert path_to(R.pending, R.partial) == [R.processing, R.partial]
    assert path_to(R.failed, R.ready) == [R.processing, R.partial, R.ready]
    assert path_to(R.none, R.ready) == [R.pending, R.processing, R.partial, R.ready]


def test_a_deleted_replay_stays_deleted() -> None:
    assert path_to(R.ready, R.deleted) == [R.deleted]
    assert path_to(R.processing, R.deleted) == [R.deleted]
    assert all(path_to(R.deleted, status) == [] for status in R)


def test_a_ready_replay_stays_ready_and_failure_comes_only_from_work_in_progress() -> None:
    assert path_to(R.ready, R.processing) == []
    assert path_to(R.ready, R.failed) == []
    assert path_to(R.partial, R.partial) == []
    assert path_to(R.none, R.failed) == []
    assert path_to(R.partial, R.failed) == [R.failed]
