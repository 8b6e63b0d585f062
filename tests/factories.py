"""Small explicit factories for tests. Users get a password hashed once per run (hashing is slow and
is exercised by the accounts tests); tokens are made the way `charter tokens create` makes them."""

from __future__ import annotations

import itertools
from functools import cache
from typing import Any

from app.accounts.passwords import hash_sync
from app.accounts.tables import ApiToken, User
from app.accounts.tokens import new_token, token_hash
from app.organisations.tables import Organisation

PASSWORD = "a long test passphrase for everyone"
_seq = itertools.count(1)


@cache
def _password_hash() -> str:
    return hash_sync(PASSWORD)


async def make_organisation(
    slug: str | None = None, name: str | None = None, kind: str = "department", parent: Any = None
) -> dict[str, Any]:
    n = next(_seq)
    org = Organisation(
        slug=slug or f"org-{n}",
        name=name or f"Organisation {n}",
        kind=kind,
        parent=parent["id"] if parent else None,
    )
    await org.save()
    return org.to_dict()


async def make_user(
    role: str,
    organisation: dict[str, Any] | None = None,
    email: str | None = None,
    name: str | None = None,
    active: bool = True,
) -> dict[str, Any]:
    n = next(_seq)
    user = User(
        email=email or f"{role.replace('_', '-')}-{n}@example.gov.uk",
        name=name or f"{role.replace('_', ' ').title()} {n}",
        role=role,
        organisation=organisation["id"] if organisation else None,
        password_hash=_password_hash(),
        active=active,
    )
    await user.save()
    return user.to_dict()


async def token_for(user: dict[str, Any], name: str = "tests") -> str:
    token = new_token()
    await ApiToken(
        user=user["id"], name=name, token_hash=token_hash(token), prefix=token[:12]
    ).save()
    return token


async def bearer(user: dict[str, Any]) -> dict[str, str]:
    """Headers that authenticate API calls as this user."""
    return {"Authorization": f"Bearer {await token_for(user)}"}


# --- frameworks and assessments -------------------------------------------------------------

from pathlib import Path  # noqa: E402

from app.accounts.actor import SystemActor  # noqa: E402
from app.assessments.results import to_stored  # noqa: E402
from app.assessments.scoring import Answer, award_for, score  # noqa: E402
from app.assessments.tables import Assessment, Response, StatusChange  # noqa: E402
from app.frameworks import service as frameworks  # noqa: E402
from app.frameworks.loader import load_file, read_framework  # noqa: E402
from app.moderation.tables import Assignment, Decision, Moderation  # noqa: E402

FRAMEWORKS_DIR = Path(__file__).resolve().parent.parent / "frameworks"
MAIN_FRAMEWORK = FRAMEWORKS_DIR / "public-service-customer-standard.yaml"
COMPLAINTS_FRAMEWORK = FRAMEWORKS_DIR / "complaints-feedback-standard.yaml"
STATES = ("draft", "submitted", "in_review", "returned", "moderated", "concluded")


async def make_framework_version(
    path: Path = MAIN_FRAMEWORK, text: str | None = None
) -> dict[str, Any]:
    """Store a framework version (a shipped file, or YAML text) and return its row."""
    loaded = read_framework(text.encode(), "test.yaml") if text is not None else load_file(path)
    row, _ = await frameworks.store(SystemActor("tests"), loaded, str(path))
    return row


async def make_assessment(
    organisation: dict[str, Any],
    state: str = "draft",
    framework_version: dict[str, Any] | None = None,
    created_by: dict[str, Any] | None = None,
    answers: dict[str, int] | None = None,
    default_score: int | None = None,
    moderated: dict[str, int] | None = None,
    assessor: dict[str, Any] | None = None,
    lead_assessor: dict[str, Any] | None = None,
    concluded_at: Any = None,
) -> dict[str, Any]:
    """An assessment in `state`, built directly in the database.

    From "submitted" on, every element is answered: `answers` by code, else `default_score`
    (else the top of the scale). From "moderated" on, moderated scores equal the department's
    unless `moderated` says otherwise. "concluded" computes the award by the framework's rules.
    """
    import datetime as dt

    assert state in STATES, state
    fv = framework_version or await make_framework_version()
    model = frameworks.model_of(fv)
    author = created_by or await make_user("dept_lead", organisation)
    now = dt.datetime.now(dt.UTC)
    assessment = Assessment(
        organisation=organisation["id"],
        framework_version=fv["id"],
        status=state,
        created_by=author["id"],
    )
    await assessment.save()
    index = STATES.index(state)
    self_answers: dict[str, Answer] = {}
    if index >= 1 or answers:
        top = model.highest if default_score is None else default_score
        for element in model.elements():
            if index < 1 and element.code not in (answers or {}):
                continue
            value = (answers or {}).get(element.code, top)
            self_answers[element.code] = Answer(value)
            await Response(
                assessment=assessment.id,
                element_code=element.code,
                score=value,
                narrative=f"How we meet {element.code}",
                updated_by=author["id"],
            ).save()
    if index >= 1:
        assessment.submitted_at = now
        assessment.self_result = to_stored(score(model, self_answers))
    if index >= 2:
        reviewer = assessor or await make_user("assessor")
        lead = lead_assessor or await make_user("lead_assessor")
        await Assignment(
            assessment=assessment.id,
            assessor=reviewer["id"],
            assigned_by=lead["id"],
            declaration="I have no conflict of interest.",
        ).save()
    if index >= 4:
        mod_answers = {
            code: Answer((moderated or {}).get(code, a.score)) for code, a in self_answers.items()
        }
        for code, answer in mod_answers.items():
            differs = answer.score != self_answers[code].score
            await Moderation(
                assessment=assessment.id,
                element_code=code,
                score=answer.score,
                rationale="Evidence reviewed" if differs else "",
                moderated_by=reviewer["id"],
            ).save()
        result = score(model, mod_answers)
        assessment.moderated_result = to_stored(result)
        assessment.moderated_percent = str(result.overall) if result.overall is not None else None
    if index >= 5:
        award = award_for(model, mod_answers, result)
        assessment.award_code = award.code if award else None
        assessment.award_label = award.label if award else None
        assessment.concluded_at = concluded_at or now
        await Decision(
            assessment=assessment.id,
            lead_assessor=lead["id"],
            outcome="confirm",
            award_code=assessment.award_code,
        ).save()
    if index >= 1:
        await StatusChange(
            assessment=assessment.id,
            from_status="draft",
            to_status=state,
            action="factory",
            by=author["id"],
        ).save()
    await assessment.save()
    return assessment.to_dict()


# --- signing in on the web ------------------------------------------------------------------


async def web_sign_in(client: Any, user: dict[str, Any]) -> None:
    """Sign `client` in with a session cookie, as a browser would."""
    response = await client.post(
        "/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD}
    )
    assert response.status_code == 200, response.text


async def csrf_token(client: Any, path: str = "/healthz") -> str:
    """The double-submit CSRF token for form posts (`_csrf_token`) or the x-csrf-token header."""
    if "charter_csrf" not in client.cookies:
        await client.get(path)
    return client.cookies["charter_csrf"]
