"""Worlds for the role x route access matrix (test_access_matrix.py).

A world is one department (the target), another department, a person in every role and, when a
row asks for one, a target assessment in a given state with evidence, a certificate or a
published league table. Everything is written straight to the database in one transaction (no
argon2, no HTTP), so that a state-changing matrix cell can have a fresh world of its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import secrets
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from uuid import UUID

from litestar.middleware.session.server_side import ServerSideSessionBackend

from app import db
from app.accounts.actor import Actor, SystemActor
from app.accounts.auth import new_session
from app.accounts.roles import Role
from app.accounts.session_store import DatabaseStore, stored_key
from app.accounts.tables import ApiToken
from app.accounts.tokens import new_token, token_hash
from app.assessments.tables import Response, ResponseEvidence
from app.certificates import service as certificates
from app.evidence.storage import storage_for
from app.evidence.tables import Evidence
from app.frameworks import service as frameworks
from app.frameworks.loader import LoadedFramework, read_framework
from app.league_tables import service as league_tables
from app.league_tables.forms import PublishForm
from app.moderation.tables import Moderation
from app.settings import Settings
from tests.evidence import samples
from tests.factories import make_assessment, make_organisation, make_user

# The matrix's columns: signed out, then one signed-in person per role.
ROLES = ("out", "adm", "pub", "lead", "asr", "asr_x", "dlead", "dcon", "other")
ROLE_OF = {
    "adm": "admin",
    "pub": "publisher",
    "lead": "lead_assessor",
    "asr": "assessor",  # assigned to the target assessment (from in_review on)
    "asr_x": "assessor",  # assigned to nothing
    "dlead": "dept_lead",  # of the target organisation
    "dcon": "dept_contributor",  # of the target organisation
    "other": "dept_lead",  # of another organisation
}

# States of the target assessment a row may name; "in_review*" is in review with every
# element already moderated (so that moderation can be completed).
STATES = ("draft", "submitted", "in_review", "in_review*", "returned", "moderated", "concluded")

FRAMEWORK = """
format: 1
slug: matrix-standard
version: "1.0"
title: Matrix Standard
scale:
  levels:
    - {value: 0, label: Not in place}
    - {value: 1, label: Developing}
    - {value: 2, label: Established}
  allow_not_applicable: true
awards:
  - code: accredited
    label: Accredited
    rules: {min_overall_percent: 50}
certificate: {validity_months: 24, review_months: 12}
themes:
  - code: LEAD
    title: Leadership
    criteria:
      - code: LEAD.1
        title: Vision
        elements:
          - {code: LEAD.1.1, statement: Leaders publish a vision., evidence_required: true}
          - {code: LEAD.1.2, statement: Leaders review complaints.}
  - code: INS
    title: Insight
    criteria:
      - code: INS.1
        title: Knowing customers
        elements:
          - {code: INS.1.1, statement: The organisation knows its customers.}
"""
CODES = ("LEAD.1.1", "LEAD.1.2", "INS.1.1")
EVIDENCED = "LEAD.1.1"
TOP_SCORE = 2

_seq = itertools.count(1)


@cache
def _framework() -> LoadedFramework:
    return read_framework(FRAMEWORK.encode(), "matrix-standard.yaml")


def _actor(user: dict[str, Any]) -> Actor:
    return Actor(user["id"], user["email"], user["name"], Role(user["role"]), user["organisation"])


async def _session(user: dict[str, Any]) -> str:
    """A browser session of the user's, stored as sign-in stores one: the key it is listed by."""
    session_id = secrets.token_urlsafe(32)
    data = new_session(user["id"], user["password_hash"], 0, "Matrix browser")
    await DatabaseStore().set(session_id, ServerSideSessionBackend.serialize_data(data), 600)
    return stored_key(session_id)


async def _token(user: dict[str, Any]) -> tuple[str, UUID]:
    """A bearer token for the user, made as `charter tokens create` makes one: (token, its id)."""
    token = new_token()
    row = ApiToken(user=user["id"], name="matrix", token_hash=token_hash(token), prefix=token[:12])
    await row.save()
    return token, row.id


@dataclass
class World:
    n: int
    organisation: dict[str, Any]
    other_organisation: dict[str, Any]
    framework: dict[str, Any]
    users: dict[str, dict[str, Any]]  # by matrix column
    subject: dict[str, Any]  # someone whom admins manage
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # by matrix column
    token_ids: dict[str, UUID] = field(default_factory=dict)  # the columns' bearer tokens
    subject_token: UUID | None = None
    sessions: dict[str, str] = field(default_factory=dict)  # a browser session of each column
    subject_session: str = ""
    inactive: dict[str, Any] | None = None
    assessment: dict[str, Any] | None = None
    evidence: dict[str, Any] | None = None
    certificate: str | None = None
    table: str | None = None
    failed_notification: str | None = None
    action: str | None = None
    appeal: str | None = None

    def values(self, role: str) -> dict[str, Any]:
        """What the matrix's {placeholders} stand for, for a call made as `role`."""

        def text(value: Any) -> str:
            return "" if value is None else str(value)

        return {
            "n": self.n,
            "org": self.organisation["slug"],
            "slug": self.framework["slug"],
            "version": self.framework["version"],
            "code": CODES[1],
            "assessment": text(self.assessment and self.assessment["id"]),
            "evidence": text(self.evidence and self.evidence["id"]),
            "certificate": text(self.certificate),
            "table": text(self.table),
            "user": str(self.subject["id"]),
            "subject_email": self.subject["email"],
            "inactive": text(self.inactive and self.inactive["id"]),
            "failed_notification": text(self.failed_notification),
            "action": text(self.action),
            "appeal": text(self.appeal),
            "token": text(self.subject_token),
            "own_token": text(self.token_ids.get(role, self.subject_token)),
            "own_session": self.sessions.get(role, self.subject_session),
            "subject_session": self.subject_session,
            "assessor_email": self.users["asr"]["email"],
            "today": dt.date.today().isoformat(),
        }


async def build_world(
    state: str | None, needs: frozenset[str], signed_in: tuple[str, ...], settings: Settings
) -> World:
    """A world with the target assessment in `state` (None: no assessment) and whatever the
    placeholders in `needs` name; bearer headers for the `signed_in` columns."""
    assert state is None or state in STATES, state
    async with db.transaction():
        world = await _build(state, needs, signed_in)
    if world.evidence is not None and "evidence" in needs:
        _store_blob(world.evidence["sha256"], world.evidence["content"], settings)
    return world


async def _build(state: str | None, needs: frozenset[str], signed_in: tuple[str, ...]) -> World:
    n = next(_seq)
    org = await make_organisation(slug=f"matrix-{n}", name=f"Matrix Department {n}")
    other = await make_organisation(slug=f"matrix-other-{n}", name=f"Other Department {n}")
    users = {}
    for column, role in ROLE_OF.items():
        home = {"dlead": org, "dcon": org, "other": other}.get(column)
        users[column] = await make_user(role, home)
    fv, _ = await frameworks.store(SystemActor("tests"), _framework(), "matrix-standard.yaml")
    world = World(n, org, other, fv, users, subject=await make_user("dept_contributor", other))
    for column in signed_in:
        token, token_id = await _token(users[column])
        world.headers[column] = {"Authorization": f"Bearer {token}"}
        world.token_ids[column] = token_id
    if needs & {"token", "own_token"}:  # signed out, {own_token} falls back to someone else's
        _, world.subject_token = await _token(world.subject)
    if needs & {"own_session", "subject_session"}:  # signed out, {own_session} is the subject's
        world.subject_session = await _session(world.subject)
        for column in signed_in:
            world.sessions[column] = await _session(users[column])
    if "inactive" in needs:
        world.inactive = await make_user("assessor", active=False)
    if "failed_notification" in needs:
        world.failed_notification = await _failed_notification(world.subject)
    if state is not None:
        await _assessment(world, state)
    if "certificate" in needs:
        assert world.assessment is not None and state == "concluded", "a certificate needs an award"
        issued = await certificates.issue(SystemActor("tests"), world.assessment["id"])
        world.certificate = issued["id"]
    if "action" in needs:
        world.action = await _action(world)
    if "appeal" in needs:
        world.appeal = await _appeal(world)
    if "table" in needs:
        assert state == "concluded", "a league table needs a concluded assessment"
        form = PublishForm(
            framework=fv["slug"], title=f"Matrix table {n}", as_of=dt.date.today().isoformat()
        )
        world.table = (await league_tables.publish(_actor(users["pub"]), form))["id"]
    return world


async def _assessment(world: World, state: str) -> None:
    """The target assessment, every element answered and the required evidence linked."""
    users = world.users
    base = "in_review" if state == "in_review*" else state
    world.assessment = await make_assessment(
        world.organisation,
        state=base,
        framework_version=world.framework,
        created_by=users["dlead"],
        answers=dict.fromkeys(CODES, TOP_SCORE),
        assessor=users["asr"],
        lead_assessor=users["lead"],
    )
    assessment_id = world.assessment["id"]
    content = samples.pdf(f"Matrix board minutes {world.n}")
    evidence = Evidence(
        organisation=world.organisation["id"],
        title=f"Board minutes {world.n}",
        filename="minutes.pdf",
        media_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=users["dlead"]["id"],
    )
    await evidence.save()
    world.evidence = {**evidence.to_dict(), "content": content}
    response = (
        await Response.select(Response.id)
        .where((Response.assessment == assessment_id) & (Response.element_code == EVIDENCED))
        .first()
    )
    assert response is not None
    await ResponseEvidence(response=response["id"], evidence=evidence.id).save()
    if state == "in_review*":
        for code in CODES:
            await Moderation(
                assessment=assessment_id,
                element_code=code,
                score=TOP_SCORE,
                moderated_by=users["asr"]["id"],
            ).save()


def _store_blob(sha256: str, content: bytes, settings: Settings) -> None:
    store = storage_for(settings)
    staged = store.temp_file()
    staged.write_bytes(content)
    store.put(staged, sha256)


async def _failed_notification(person: dict[str, Any]) -> str:
    """An email that the mail server refused for good: what an admin may retry."""
    from app.notifications.tables import Notification

    now = dt.datetime.now(dt.UTC)
    row = Notification(
        event="assessment_returned",
        user=person["id"],
        recipient=person["email"],
        subject="Assessment returned",
        context={},
        state="failed",
        tries=1,
        last_error="The mail server answered 550 No such mailbox",
        next_attempt_at=now,
        created_at=now,
    )
    await row.save()
    return str(row.id)


async def _action(world: World) -> str:
    """An open action in the organisation's action plan."""
    from app.actions.tables import PlanAction

    now = dt.datetime.now(dt.UTC)
    row = PlanAction(
        organisation=world.organisation["id"],
        title=f"Matrix action {world.n}",
        due_on=dt.date.today(),
        status="open",
        created_by=world.users["dlead"]["id"],
        created_at=now,
        updated_at=now,
    )
    await row.save()
    return str(row.id)


async def _appeal(world: World) -> str:
    """An open appeal against the target assessment's decision."""
    from app.appeals.tables import Appeal

    assert world.assessment is not None, "an appeal needs an assessment"
    row = Appeal(
        assessment=world.assessment["id"],
        grounds="We disagree",
        status="open",
        lodged_by=world.users["dlead"]["id"],
        lodged_at=dt.datetime.now(dt.UTC),
    )
    await row.save()
    return str(row.id)
