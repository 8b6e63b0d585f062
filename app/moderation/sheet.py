"""One assessment's moderation as people read it: every element with the department's answer and
evidence beside the moderated answer; the decision page's view; who may be assigned."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any
from uuid import UUID

from app.accounts.actor import Actor
from app.accounts.policy import is_independent_of
from app.accounts.roles import Role
from app.accounts.tables import User
from app.assessments.lifecycle import label as status_label
from app.assessments.results import for_api, overall_of, themes_of
from app.assessments.scoring import Answer, award_for, display_percent, score
from app.assessments.tables import Response, ResponseEvidence
from app.certificates.tables import Certificate
from app.errors import Forbidden
from app.frameworks import service as frameworks
from app.frameworks.model import Framework
from app.moderation.access import Loaded, load
from app.moderation.decision import blocker
from app.moderation.independence import family_members
from app.moderation.rules import describe_answer, differs
from app.moderation.tables import Decision, Moderation
from app.organisations.tables import Organisation

LIST_LIMIT = 500
CONCLUDED = "concluded"


def _may_read_sheet(actor: Actor, loaded: Loaded, decided_for_department: bool = False) -> None:
    """Assessors' work; `decided_for_department`: a concluded assessment's decision is also
    its own department's to read (load() has already kept everyone else's out)."""
    if decided_for_department and actor.is_department and loaded.status == CONCLUDED:
        return
    assignment = loaded.assignment
    assigned = assignment is not None and assignment["assessor"] == actor.id
    if not (assigned or actor.role in (Role.LEAD_ASSESSOR, Role.ADMIN)):
        raise Forbidden(
            "Only the assigned assessor and lead assessors can see an assessment's moderation."
        )


async def moderation_sheet(actor: Actor, assessment_id: UUID) -> dict[str, Any]:
    """One assessment's moderation: every element with the department's and the moderated answer."""
    data, _, _ = await _sheet(actor, assessment_id)
    return data


async def _sheet(
    actor: Actor, assessment_id: UUID, decided_for_department: bool = False
) -> tuple[dict[str, Any], Loaded, Framework]:
    loaded = await load(actor, assessment_id)
    _may_read_sheet(actor, loaded, decided_for_department)
    assessment = loaded.assessment
    version, framework = await frameworks.framework_for(assessment["framework_version"])
    organisation = (
        await Organisation.select(Organisation.name, Organisation.slug)
        .where(Organisation.id == assessment["organisation"])
        .first()
    )
    responses = {
        r["element_code"]: r
        for r in await Response.select().where(Response.assessment == loaded.id)
    }
    evidence: dict[UUID, list[dict[str, Any]]] = defaultdict(list)
    for link in await ResponseEvidence.select(
        ResponseEvidence.response,
        ResponseEvidence.evidence.id.as_alias("id"),
        ResponseEvidence.evidence.title.as_alias("title"),
        ResponseEvidence.evidence.filename.as_alias("filename"),
        ResponseEvidence.evidence.media_type.as_alias("media_type"),
        ResponseEvidence.evidence.size.as_alias("size"),
    ).where(ResponseEvidence.response.assessment == loaded.id):
        evidence[link["response"]].append(
            {
                "id": str(link["id"]),
                "title": link["title"],
                "filename": link["filename"],
                "media_type": link["media_type"],
                "size": link["size"],
                "href": f"/api/v1/evidence/{link['id']}/file",
                "page": f"/evidence/{link['id']}",
            }
        )
    moderations = {
        m["element_code"]: m
        for m in await Moderation.select().where(Moderation.assessment == loaded.id)
    }
    asked_again = set(assessment["return_elements"] or [])
    elements = [
        _element(
            framework, e.code, responses.get(e.code), moderations.get(e.code), evidence, asked_again
        )
        for e in framework.elements()
    ]
    assessor = None
    if loaded.assignment is not None:
        user = (
            await User.select(User.id, User.name, User.email)
            .where(User.id == loaded.assignment["assessor"])
            .first()
        )
        assessor = {
            "id": str(user["id"]) if user else None,
            "name": user["name"] if user else "",
            "email": user["email"] if user else "",
            "declaration": loaded.assignment["declaration"] or None,
        }
    counts = Counter(e["state"] for e in elements)
    data = {
        "id": str(loaded.id),
        "status": loaded.status,
        "status_label": status_label(loaded.status),
        "organisation": organisation["name"] if organisation else "",
        "organisation_slug": organisation["slug"] if organisation else "",
        "framework": {
            "slug": version["slug"],
            "version": version["version"],
            "title": version["title"],
        },
        "submitted_at": assessment["submitted_at"],
        "return_reason": assessment["return_reason"],
        "return_elements": list(assessment["return_elements"] or []),
        "assessor": assessor,
        "assigned_to_me": loaded.assignment is not None
        and loaded.assignment["assessor"] == actor.id,
        "progress": {
            "elements": len(elements),
            "moderated": counts["moderated"] + counts["needs_rationale"],
            "needs_rationale": counts["needs_rationale"],
            "changed": sum(1 for e in elements if e["department"] and e["department"]["changed"]),
        },
        "self": for_api(assessment["self_result"]),
        "moderated": for_api(assessment["moderated_result"]),
        "themes": [
            {
                "code": t.code,
                "title": t.title,
                "elements": [e for e in elements if e["theme"] == t.code],
            }
            for t in framework.themes
        ],
        "allow_not_applicable": framework.scale.allow_not_applicable,
        "scale": [
            {"value": lv.value, "label": lv.label, "description": lv.description}
            for lv in framework.scale.levels
        ],
    }
    return data, loaded, framework


def _element(
    framework: Framework,
    code: str,
    response: dict[str, Any] | None,
    moderation: dict[str, Any] | None,
    evidence: dict[UUID, list[dict[str, Any]]],
    asked_again: set[str],
) -> dict[str, Any]:
    element = framework.element(code)
    theme = framework.theme_of(code)
    assert element is not None and theme is not None
    department_answer = Answer(response["score"], response["not_applicable"]) if response else None
    department = None
    if response is not None:
        department = {
            "score": response["score"],
            "not_applicable": response["not_applicable"],
            "label": describe_answer(framework, department_answer),
            "narrative": response["narrative"],
            "evidence": evidence.get(response["id"], []),
            "changed": bool(response["changed_since_submission"]),
        }
    moderated = None
    state = "not_started"
    if moderation is not None:
        answer = Answer(moderation["score"], moderation["not_applicable"])
        differing = differs(department_answer, answer)
        moderated = {
            "score": moderation["score"],
            "not_applicable": moderation["not_applicable"],
            "label": describe_answer(framework, answer),
            "rationale": moderation["rationale"],
            "strength": moderation["strength"],
            "improvement": moderation["improvement"],
            "revision": moderation["revision"],
            "differs": differing,
        }
        state = (
            "needs_rationale" if differing and not moderation["rationale"].strip() else "moderated"
        )
    return {
        "code": code,
        "statement": element.statement,
        "guidance": element.guidance,
        "mandatory": element.mandatory,
        "theme": theme.code,
        "theme_title": theme.title,
        "department": department,
        "moderated": moderated,
        "revision": moderation["revision"] if moderation else 0,
        "asked_again": code in asked_again,
        "state": state,
    }


async def decision_view(actor: Actor, assessment_id: UUID) -> dict[str, Any]:
    """The sheet, plus the award the moderated answers earn and whether this lead may decide;
    once concluded, the assessed department reads it too."""
    data, loaded, framework = await _sheet(actor, assessment_id, decided_for_department=True)
    answers = {
        e["code"]: Answer(e["moderated"]["score"], e["moderated"]["not_applicable"])
        for theme in data["themes"]
        for e in theme["elements"]
        if e["moderated"]
    }
    award = None
    if len(answers) == len(framework.elements()):
        award = award_for(framework, answers, score(framework, answers))
    blocked = await blocker(actor, loaded)
    moderated = loaded.assessment["moderated_result"]
    return {
        **data,
        **await decisions(loaded.id),
        "award": {"code": award.code, "label": award.label} if award else None,
        "award_code": loaded.assessment["award_code"],
        "award_label": loaded.assessment["award_label"],
        "concluded_at": loaded.assessment["concluded_at"],
        "blocked": blocked,
        "overall_display": display_percent(overall_of(moderated)),
        "self_overall_display": display_percent(overall_of(loaded.assessment["self_result"])),
        "theme_rows": [
            {
                "code": t.code,
                "title": t.title,
                "self": display_percent(themes_of(loaded.assessment["self_result"]).get(t.code)),
                "moderated": display_percent(themes_of(moderated).get(t.code)),
            }
            for t in framework.themes
        ],
    }


async def assignable(actor: Actor, assessment_id: UUID) -> dict[str, Any]:
    """Who may be assigned: active assessors and lead assessors employed neither by the organisation
    nor by one above or below it."""
    data, loaded, _ = await _sheet(actor, assessment_id)
    people = await (
        User.select(
            User.id,
            User.name,
            User.email,
            User.role,
            User.organisation,
            User.organisation.name.as_alias("employer"),
        )
        .where(
            User.role.is_in([Role.ASSESSOR.value, Role.LEAD_ASSESSOR.value]) & User.active.eq(True)
        )
        .order_by(User.name)
        .limit(LIST_LIMIT)
    )
    tied = await family_members(loaded.assessment["organisation"])
    eligible = [p for p in people if is_independent_of(p["organisation"], tied)]
    return {**data, "candidates": eligible, "excluded": len(people) - len(eligible)}


async def decisions(assessment_id: UUID) -> dict[str, Any]:
    """The decisions made so far, newest first, and the certificate if one was issued."""
    rows = await (
        Decision.select(
            Decision.outcome,
            Decision.note,
            Decision.award_code,
            Decision.decided_at,
            Decision.lead_assessor.name.as_alias("lead_name"),
        )
        .where(Decision.assessment == assessment_id)
        .order_by(Decision.decided_at, ascending=False)
        .limit(LIST_LIMIT)
    )
    certificate = (
        await Certificate.select(Certificate.id)
        .where(Certificate.assessment == assessment_id)
        .first()
    )
    return {"decisions": rows, "certificate_id": str(certificate["id"]) if certificate else None}
