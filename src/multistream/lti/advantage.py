"""LTI Advantage services the tool calls on the LMS: Names and Role Provisioning (the
course roster) and Assignment and Grade Services (quiz scores to the gradebook).

Each call gets an access token from the platform's token endpoint with a client assertion
signed by the tool's key (`pylti1p3.ServiceConnector`), then calls the URL the platform
gave in its last launch (`lti_contexts.memberships_url`, `lti_resource_links.lineitem_url`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Final

import requests
import sqlalchemy as sa
import structlog
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector
from sqlalchemy.orm import Session

from multistream.courses.models import CourseMember, CourseRole
from multistream.lti import domain
from multistream.lti.models import LtiContext, LtiPlatform, LtiResourceLink, LtiUserLink
from multistream.lti.schemas import RosterSynced
from multistream.lti.service import link_person
from multistream.lti.tool import DatabaseToolConf, ToolKey
from multistream.polls.models import Poll, PollKind, PollStatus, PollVote

log = structlog.get_logger(__name__)

SCORE_SCOPE: Final = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
_FAILURES = (LtiException, LtiServiceException, requests.RequestException, ValueError, KeyError)


def _connector(db: Session, key: ToolKey, platform: LtiPlatform) -> ServiceConnector:
    session = requests.Session()
    session.headers["User-Agent"] = "Multistream-LTI"
    conf = DatabaseToolConf(db, key)
    return ServiceConnector(conf.registration_of(platform), session)


def roster_platform(db: Session, *, course_id: uuid.UUID) -> str | None:
    """The issuer of the LMS whose roster the course syncs from (None: not linked)."""
    return db.scalars(
        sa.select(LtiPlatform.issuer)
        .join(LtiContext, LtiContext.platform_id == LtiPlatform.id)
        .where(LtiContext.course_id == course_id, LtiContext.memberships_url.is_not(None))
        .order_by(LtiPlatform.issuer)
        .limit(1)
    ).first()


def grades_platform(db: Session, *, session_id: uuid.UUID) -> str | None:
    """The issuer of an LMS with a grade column that opens the class (None: none)."""
    return db.scalars(
        sa.select(LtiPlatform.issuer)
        .join(LtiResourceLink, LtiResourceLink.platform_id == LtiPlatform.id)
        .where(LtiResourceLink.session_id == session_id, LtiResourceLink.lineitem_url.is_not(None))
        .order_by(LtiPlatform.issuer)
        .limit(1)
    ).first()


def sync_roster(db: Session, *, key: ToolKey, course_id: uuid.UUID) -> RosterSynced:
    """Make the course's LMS-linked members those the LMS lists as active, with their
    roles: new ones get an account (signed in at their first launch), removed or inactive
    ones lose the course. Members who joined by invite are not the LMS's to remove."""
    contexts = db.scalars(
        sa.select(LtiContext).where(
            LtiContext.course_id == course_id, LtiContext.memberships_url.is_not(None)
        )
    ).all()
    if not contexts:
        raise domain.NotLinked(
            "This course has no roster in an LMS: open it from the LMS as a teacher first."
        )
    set_roles = removed = 0
    for context in contexts:
        platform = db.get(LtiPlatform, context.platform_id)
        assert platform is not None
        assert context.memberships_url is not None
        service = NamesRolesProvisioningService(
            _connector(db, key, platform), {"context_memberships_url": context.memberships_url}
        )
        try:
            members = service.get_members()
        except _FAILURES as exc:
            # The library's error names hosts and ports: for the log, not for the teacher.
            log.warning("lti roster not listed", course_id=str(course_id), error=str(exc))
            raise domain.PlatformFailed(
                "The LMS did not list the course's members. Try again in a few minutes; if"
                " it keeps failing, ask your LMS administrator to check Multistream's"
                " registration (its services and token URL)."
            ) from exc
        lms: dict[str, CourseRole] = {}
        profiles: dict[str, tuple[str, str | None]] = {}
        for listed in members:
            role = domain.course_role(listed.get("roles") or [])
            sub = listed.get("user_id")
            if role is None or not sub or listed.get("status", "Active") != "Active":
                continue
            if not isinstance(sub, str) or "\x00" in sub:
                continue
            lms[sub] = role
            profiles[sub] = (domain.person_name(listed), domain.clean_email(listed.get("email")))
        linked = db.execute(
            sa.select(LtiUserLink.subject, CourseMember.user_id, CourseMember.role)
            .join(CourseMember, CourseMember.user_id == LtiUserLink.user_id)
            .where(LtiUserLink.platform_id == platform.id, CourseMember.course_id == course_id)
        ).all()
        current = {row.subject: row.role for row in linked}
        users = {row.subject: row.user_id for row in linked}
        to_set, to_remove = domain.roster_changes(lms, current)
        for sub, role in to_set.items():
            name, email = profiles[sub]
            user = link_person(db, platform, sub, display_name=name, email=email)
            member = db.get(CourseMember, (course_id, user.id))
            if member is None:
                db.add(CourseMember(course_id=course_id, user_id=user.id, role=role))
            else:
                member.role = role
        for sub in to_remove:
            db.execute(
                sa.delete(CourseMember).where(
                    CourseMember.course_id == course_id, CourseMember.user_id == users[sub]
                )
            )
        db.flush()
        set_roles, removed = set_roles + len(to_set), removed + len(to_remove)
    return RosterSynced(set_roles=set_roles, removed=removed)


def post_quiz_scores(db: Session, *, key: ToolKey, session_id: uuid.UUID) -> int:
    """Post each LMS student's score on the class's closed quizzes (right answers out of
    quizzes) to the grade column of every LMS link that opens this class. Returns how many
    scores were posted."""
    links = db.scalars(
        sa.select(LtiResourceLink).where(
            LtiResourceLink.session_id == session_id, LtiResourceLink.lineitem_url.is_not(None)
        )
    ).all()
    if not links:
        raise domain.NotLinked(
            "No LMS grade column opens this class: place it in the LMS with grading on."
        )
    quizzes = db.scalars(
        sa.select(Poll).where(
            Poll.session_id == session_id,
            Poll.kind == PollKind.quiz,
            Poll.status == PollStatus.closed,
        )
    ).all()
    correct = {str(poll.id): frozenset(poll.correct_option_ids) for poll in quizzes}
    answers: dict[uuid.UUID, dict[str, frozenset[str]]] = {}
    for vote in db.scalars(
        sa.select(PollVote).where(PollVote.poll_id.in_([p.id for p in quizzes]))
    ):
        answers.setdefault(vote.user_id, {})[str(vote.poll_id)] = frozenset(vote.option_ids)
    posted = 0
    now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    for link in links:
        platform = db.get(LtiPlatform, link.platform_id)
        assert platform is not None
        assert link.lineitem_url is not None
        students = db.execute(
            sa.select(LtiUserLink.subject, LtiUserLink.user_id)
            .join(CourseMember, CourseMember.user_id == LtiUserLink.user_id)
            .where(
                LtiUserLink.platform_id == platform.id,
                CourseMember.course_id == link.course_id,
                CourseMember.role == CourseRole.student,
            )
        ).all()
        grades = AssignmentsGradesService(
            _connector(db, key, platform), {"scope": [SCORE_SCOPE], "lineitem": link.lineitem_url}
        )
        for student in students:
            grade = (
                Grade()
                .set_user_id(student.subject)
                .set_score_given(domain.quiz_score(correct, answers.get(student.user_id, {})))
                .set_score_maximum(max(len(correct), 1))
                .set_activity_progress("Completed")
                .set_grading_progress("FullyGraded")
                .set_timestamp(now)
            )
            try:
                grades.put_grade(grade)
            except _FAILURES as exc:
                log.warning("lti score refused", session_id=str(session_id), error=str(exc))
                raise domain.PlatformFailed(
                    "The LMS did not take the scores. Try again in a few minutes; if it keeps"
                    " failing, ask your LMS administrator to check Multistream's registration"
                    " (grade services and token URL)."
                ) from exc
            posted += 1
    return posted
