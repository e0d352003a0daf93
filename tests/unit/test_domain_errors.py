"""Domain errors read as problems through the tables of refusals, in one place per area."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from multistream import problems
from multistream.errors import DomainError, Forbidden, Invalid, NotFound
from multistream.sessions import domain as sessions
from multistream.sessions.models import SessionStatus
from multistream.studio import domain as studio
from multistream.studio.models import AssetKind, AssetStatus


class Late(DomainError):
    def __init__(self) -> None:
        super().__init__("Too soon: try again in 3 s.", retry_after=3)


class Unmapped(DomainError):
    pass


problems.refusals({Late: (429, "too-soon", "Too soon")})


def test_the_common_errors_read_as_their_problems() -> None:
    assert problems.from_error(NotFound("This poll")).to_dict() == {
        "type": "not-found",
        "title": "Not found",
        "status": 404,
        "detail": "This poll does not exist or is not visible to you.",
    }
    assert problems.from_error(Forbidden("chat.moderate")).to_dict() == {
        "type": "forbidden",
        "title": "Not allowed",
        "status": 403,
        "detail": "Your role in this course does not allow this (chat.moderate).",
        "permission": "chat.moderate",
    }
    invalid = problems.from_error(Invalid("page_no", "There is no page 9.", "out of range"))
    assert (invalid.status, invalid.type, invalid.errors) == (
        422,
        "validation",
        [{"field": "page_no", "location": "body", "message": "out of range"}],
    )


def test_a_refusal_that_says_when_to_retry_gets_retry_after() -> None:
    problem = problems.from_error(Late())
    assert (problem.status, problem.headers) == (429, {"Retry-After": "3"})
    assert problem.to_dict()["retry_after"] == 3


def test_an_error_in_no_table_is_a_bug_not_a_problem() -> None:
    with pytest.raises(TypeError, match="Unmapped"):
        problems.from_error(Unmapped("?"))
    assert problems.as_problem(RuntimeError("boom")) is None


def test_a_route_answers_a_domain_error_with_its_problem_document() -> None:
    app = FastAPI()
    problems.install(app)

    @app.post("/late")
    def late() -> None:
        raise Late()

    response = TestClient(app).post("/late")
    assert response.status_code == 429
    assert response.headers["content-type"] == problems.PROBLEM_CONTENT_TYPE
    assert response.headers["retry-after"] == "3"
    assert response.json() == {
        "type": "too-soon",
        "title": "Too soon",
        "status": 429,
        "detail": "Too soon: try again in 3 s.",
        "instance": "/late",
        "retry_after": 3,
    }


# --- rules of the class and the studio that moved out of their services ------------------------


def test_a_closed_class_takes_no_questions_votes_or_reactions() -> None:
    sessions.require_class_open(SessionStatus.live)
    with pytest.raises(sessions.ClassClosed) as refused:
        sessions.require_class_open(SessionStatus.ended)
    assert refused.value.detail == (
        "This class is ended: it takes no new questions, votes or reactions."
    )
    assert refused.value.facts == {"status_now": "ended"}


def test_a_class_ends_after_it_starts() -> None:
    start = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
    sessions.require_ends_after_start(start, start + dt.timedelta(hours=1))
    with pytest.raises(Invalid) as refused:
        sessions.require_ends_after_start(start, start)
    assert (refused.value.field, refused.value.detail) == (
        "scheduled_end",
        "The class must end after it starts.",
    )


def test_a_session_transition_out_of_order_names_the_status() -> None:
    facts = sessions.SessionFacts(status=SessionStatus.ended, started_at=None)
    with pytest.raises(sessions.InvalidTransition) as refused:
        sessions.decide_cancel(facts)
    assert refused.value.detail == "This class is ended, so it cannot be canceled."
    assert refused.value.facts == {"status_now": "ended"}


def test_only_a_rendered_slide_deck_can_be_attached() -> None:
    studio.require_deck("deck.pdf", AssetKind.slide_deck, AssetStatus.ready, 3)
    with pytest.raises(studio.NotADeck) as image:
        studio.require_deck("photo.png", AssetKind.image, AssetStatus.ready, None)
    assert image.value.detail == "photo.png is an image, not a slide deck; upload a PDF."
    with pytest.raises(studio.DeckNotReady) as rendering:
        studio.require_deck("deck.pdf", AssetKind.slide_deck, AssetStatus.processing, None)
    assert rendering.value.facts == {"asset_status": "processing"}
