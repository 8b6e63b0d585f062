"""`charter demo`: fill an empty database with a living service, played through the real services
(organisations, accounts, assessments, evidence, moderation, certificates, league tables) so that
the audit trail, status history and files are what real use would leave behind.

All of it happens in one transaction: the demo is there completely or not at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from app import db
from app.accounts import service as accounts
from app.accounts.actor import Actor, SystemActor
from app.accounts.roles import Role
from app.accounts.tables import User
from app.assessments import service as assessments
from app.assessments import withdrawal
from app.assessments.scoring import Answer
from app.audit.service import record
from app.certificates import service as certificates
from app.certificates.tables import Certificate
from app.demo import library, summary, texts, timeline
from app.demo.scores import Marks, first_look, marks
from app.demo.story import (
    AS_OF_MONTHS_AGO,
    COMPLAINTS,
    DEMO_PASSWORD,
    ORGANISATIONS,
    PEOPLE,
    PSCS,
    RENAMED,
    REVOKED,
    ROUNDS,
    STAFF,
    WITHDRAW_REASON,
    Round,
)
from app.demo.summary import Summary
from app.errors import Conflict, Invalid
from app.frameworks import service as frameworks
from app.frameworks.model import Framework
from app.league_tables import service as league_tables
from app.league_tables.forms import PublishForm
from app.league_tables.tables import LeagueTable
from app.moderation import decision
from app.moderation import service as moderation
from app.moderation.rules import ModeratedAnswer, differs
from app.notifications import reminders
from app.organisations import service as organisations
from app.organisations.tables import Organisation
from app.settings import Settings
from app.templating import LONDON

DEMO = SystemActor("demo")
MODERATED_BEFORE_RETURN = 0.6  # how far through the elements an assessor gets before returning


@dataclass
class Cast:
    people: dict[str, Actor] = field(default_factory=dict)  # by email
    organisations: dict[str, dict[str, Any]] = field(default_factory=dict)  # by slug
    frameworks: dict[str, Framework] = field(default_factory=dict)  # by slug

    def lead_of(self, slug: str) -> Actor:
        return self.people[f"lead@{slug}.example"]

    def writer_of(self, slug: str, index: int) -> Actor:
        """Who saves an answer: the department lead, with the contributor taking every third."""
        contributor = self.people.get(f"contributor@{slug}.example")
        return contributor if contributor and index % 3 == 2 else self.lead_of(slug)


async def existing_data() -> dict[str, int]:
    """How many organisations and people there are already; the demo only fills an empty service."""
    return {"organisations": await Organisation.count(), "users": await User.count()}


# --- the cast ------------------------------------------------------------------------------------


async def _cast(now: dt.datetime) -> Cast:
    cast = Cast()
    for body in ORGANISATIONS:
        await organisations.create(DEMO, body.slug, body.name, body.kind, body.parent)
    for row in await Organisation.select():
        cast.organisations[row["slug"]] = row
    # Hashing costs 64 MiB and a noticeable time: the first person goes through the real path,
    # the others get the same hash (they share the demo password) with the same audit record.
    first, *others = PEOPLE
    await accounts.create_user(
        DEMO, first.email, first.name, first.role, DEMO_PASSWORD, first.organisation
    )
    shared = await User.select(User.password_hash).where(User.email == first.email).first()
    assert shared is not None
    for person in others:
        org = cast.organisations[person.organisation] if person.organisation else None
        user = User(
            email=person.email,
            name=person.name,
            role=person.role,
            organisation=org["id"] if org else None,
            password_hash=shared["password_hash"],
        )
        await user.save()
        await record(
            DEMO,
            "user.create",
            "user",
            user.id,
            after=accounts.user_dict(user.to_dict(), person.organisation),
        )
    for row in await User.select():
        cast.people[row["email"]] = Actor(
            row["id"], row["email"], row["name"], Role(row["role"]), row["organisation"]
        )
    for slug in (PSCS, COMPLAINTS):
        cast.frameworks[slug] = frameworks.model_of(await frameworks.latest_version(slug))
    return cast


# --- one assessment, step by step ---------------------------------------------------------------


@dataclass
class Play:
    """One round being played: its assessment, the answers' revisions and the evidence made."""

    round: Round
    index: int
    framework: Framework
    marks: Marks
    start: dt.datetime  # on the story's clock
    assessment_id: UUID | None = None
    revisions: dict[str, int] = field(default_factory=dict)
    moderated: dict[str, int] = field(default_factory=dict)  # moderation revisions
    documents: list[library.Uploaded] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        return [e.code for e in self.framework.elements()]


async def _answer(cast: Cast, play: Play, position: int, code: str, note: str = "") -> None:
    r = play.round
    body = cast.organisations[r.organisation]
    theme = play.framework.theme_of(code)
    assert theme is not None and play.assessment_id is not None
    answer = play.marks.department[code]
    if answer.not_applicable:
        narrative = texts.NOT_APPLICABLE
    else:
        narrative = texts.narrative(theme.code, code, body["kind"], (r.organisation, play.index))
    element = play.framework.element(code)
    assert element is not None
    linked = library.links_for(play.documents, theme.code, code, element.evidence_required)
    if note:
        narrative = f"{narrative}\n\n{note}"
        linked = [*linked, play.documents[-1].id]
    saved = await assessments.save_response(
        cast.writer_of(r.organisation, position),
        play.assessment_id,
        code,
        answer.score,
        answer.not_applicable,
        narrative,
        [str(e) for e in linked],
        play.revisions.get(code, 0),
    )
    play.revisions[code] = saved.revision


async def _moderate(cast: Cast, play: Play, code: str, final: Answer, rationale: str = "") -> None:
    assert play.assessment_id is not None
    department = play.marks.department[code]
    if not rationale and differs(department, final):
        lower = (final.score or 0) < (department.score or 0)
        options = texts.RATIONALE_LOWER if lower else texts.RATIONALE_HIGHER
        rationale = texts.pick(options, code, play.index)
    noted = texts.pick(("", "", "", "note"), code, play.index, "note") == "note"
    answer = ModeratedAnswer(
        score=final.score,
        not_applicable=final.not_applicable,
        rationale=rationale,
        strength=texts.pick(texts.STRENGTHS, code, play.index) if noted else "",
        improvement=texts.pick(texts.IMPROVEMENTS, code, play.index) if noted else "",
    )
    saved = await moderation.moderate(
        cast.people[play.round.assessor],
        play.assessment_id,
        code,
        answer,
        play.moderated.get(code, 0),
    )
    play.moderated[code] = saved["revision"]


def _first_pass(play: Play, code: str) -> Answer:
    final = play.marks.moderated[code]
    return first_look(play.framework, final) if code == play.round.referred_element else final


async def _play(cast: Cast, play: Play, settings: Settings) -> None:
    r = play.round
    lead = cast.lead_of(r.organisation)
    view = await assessments.start(lead, r.organisation, r.framework)
    play.assessment_id = view.id
    play.documents = await library.upload_for(
        cast.writer_of(r.organisation, 2), r, play.index, play.start, settings
    )
    codes = play.codes
    answering = codes[: r.answered] if r.ends in ("draft", "withdrawn") else codes
    for position, code in enumerate(answering):
        await _answer(cast, play, position, code)
    if r.ends == "draft":
        return
    if r.ends == "withdrawn":
        await withdrawal.withdraw(lead, view.id, WITHDRAW_REASON)
        return
    await assessments.submit(lead, view.id)
    if r.ends == "submitted":
        return
    await moderation.assign(cast.people[r.assigner], view.id, r.assessor)
    await moderation.declare(cast.people[r.assessor], view.id, texts.DECLARATION)
    stop = int(len(codes) * MODERATED_BEFORE_RETURN)
    first = [c for c in codes[:stop] if c not in r.returned_elements]
    for code in first:
        await _moderate(cast, play, code, _first_pass(play, code))
    if r.returned:
        await moderation.return_to_department(
            cast.people[r.assessor], view.id, r.returned, list(r.returned_elements)
        )
        revising = r.returned_elements[:1] if r.ends == "returned" else r.returned_elements
        play.documents.append(
            await library.upload_response(lead, r, play.index, play.start, settings)
        )
        for code in revising:
            await _answer(cast, play, codes.index(code), code, library.RETURN_NOTE)
        if r.ends == "returned":
            return
        await assessments.submit(lead, view.id)
    if r.ends == "in_review":
        return
    for code in codes:
        if code not in play.moderated:
            await _moderate(cast, play, code, _first_pass(play, code))
    assessor = cast.people[r.assessor]
    await moderation.complete(assessor, view.id)
    decider = cast.people[r.decider]
    if r.referred:
        await decision.decide(decider, view.id, "refer_back", r.referred, settings)
        code = r.referred_element
        await _moderate(cast, play, code, play.marks.moderated[code], texts.RATIONALE_REVISIT)
        await moderation.complete(assessor, view.id)
    if r.ends == "moderated":
        return
    await decision.decide(decider, view.id, "confirm", texts.CONFIRM_NOTE, settings)


# --- the whole story ---------------------------------------------------------------------------


def _story_end(now: dt.datetime, days_ago: int) -> dt.datetime:
    """A working-hours moment `days_ago` days back (10:30 in London)."""
    day = (now - dt.timedelta(days=days_ago)).astimezone(LONDON).date()
    moment = dt.datetime.combine(day, dt.time(10, 30), tzinfo=LONDON).astimezone(dt.UTC)
    return min(moment, now - dt.timedelta(minutes=5))


async def _play_all(cast: Cast, settings: Settings, now: dt.datetime) -> None:
    for index, r in enumerate(ROUNDS):
        framework = cast.frameworks[r.framework]
        end = _story_end(now, r.days_ago)
        span = dt.timedelta(days=r.span_days)
        play = Play(r, index, framework, marks(framework, r, index), start=end - span)
        await _play(cast, play, settings)
        assert play.assessment_id is not None
        ids = [d.id for d in play.documents]
        await timeline.backdate(play.assessment_id, ids, end, span, framework)


async def _revoke(cast: Cast, now: dt.datetime) -> None:
    slug, reason, days_ago = REVOKED
    row = (
        await Certificate.select(Certificate.id)
        .where(Certificate.organisation == cast.organisations[slug]["id"])
        .first()
    )
    assert row is not None, f"the story gives {slug} a certificate to revoke"
    await certificates.revoke(cast.people["lead.assessor@standards.example"], row["id"], reason)
    # Backdated like the assessments (see timeline.py): revoked a few weeks ago, not just now.
    await Certificate.update({Certificate.revoked_at: _story_end(now, days_ago)}).where(
        Certificate.id == row["id"]
    )


async def _publish_tables(cast: Cast, now: dt.datetime) -> None:
    publisher = cast.people["publisher@standards.example"]
    today = now.astimezone(LONDON).date()
    month_start = today.replace(day=1)
    earlier = month_start - dt.timedelta(days=1)
    for _ in range(AS_OF_MONTHS_AGO - 1):
        earlier = earlier.replace(day=1) - dt.timedelta(days=1)
    for as_of in (earlier, today):
        title = f"Public Service Customer Standard: {as_of:%B %Y}"
        form = PublishForm(framework=PSCS, title=title, as_of=as_of.isoformat())
        published = await league_tables.publish(publisher, form)
        if as_of != today:
            # Published a week after its as-of date, months ago (see timeline.py for why direct).
            at = dt.datetime.combine(as_of + dt.timedelta(days=7), dt.time(9), tzinfo=LONDON)
            await LeagueTable.update({LeagueTable.published_at: at.astimezone(dt.UTC)}).where(
                LeagueTable.id == UUID(published["id"])
            )
            slug, new_name = RENAMED
            await organisations.change(cast.people[f"admin@{STAFF}"], slug, name=new_name)


def _refusal(found: dict[str, int]) -> Conflict:
    return Conflict(
        f"The database already has {found['organisations']} organisation(s) and "
        f"{found['users']} user(s): the demo only fills an empty database, so that demo data "
        "never mixes with real data. Point CHARTER_DATABASE_URL at a new database to try the demo."
    )


async def fill(settings: Settings, now: dt.datetime | None = None) -> Summary:
    """Load the shipped frameworks, then play the whole story into an empty database.
    Conflict (and nothing changed) when there are organisations or people already."""
    if any((found := await existing_data()).values()):
        raise _refusal(found)
    await frameworks.load_directory(DEMO, settings.frameworks_dir)
    loaded = {r["slug"] for r in await frameworks.list_versions()}
    missing = [slug for slug in (PSCS, COMPLAINTS) if slug not in loaded]
    if missing:
        raise Invalid(
            {"frameworks": f"The demo needs {', '.join(missing)} from {settings.frameworks_dir}/"}
        )
    now = now or dt.datetime.now(dt.UTC)
    async with db.transaction():
        if any((found := await existing_data()).values()):  # someone was quicker
            raise _refusal(found)
        cast = await _cast(now)
        await _play_all(cast, settings, now)
        await _revoke(cast, now)
        await _publish_tables(cast, now)
        await reminders.run(today=now.astimezone(LONDON).date(), now=now)
        told = await summary.collect(settings, now.astimezone(LONDON).date())
    # Signed once back-dated, so each certificate's signing time is its issue time.
    await certificates.seal_pending(settings)
    return told
