"""A small but realistic world for hostile-input tests: organisations, a user and token of every
role, the shipped framework, assessments in every state, a certificate, evidence and a published
league table, so that generated requests can name ids that exist."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import httpx

from app import db
from app.accounts.actor import SystemActor
from app.certificates import service as certificates
from app.frameworks import service as frameworks
from tests.evidence import samples
from tests.factories import (
    STATES,
    bearer,
    make_assessment,
    make_framework_version,
    make_organisation,
    make_user,
    token_for,
)

ROLES = ("admin", "publisher", "lead_assessor", "assessor", "dept_lead", "dept_contributor")


@dataclass
class World:
    headers: dict[str, dict[str, str]]  # role -> Authorization header
    known: dict[str, list[Any]] = field(default_factory=dict)  # parameter name -> values that exist


async def build_world(client: httpx.AsyncClient) -> World:
    """Everything in one transaction (one commit), then evidence and a league table over HTTP."""
    async with db.transaction():
        home = await make_organisation(slug="ministry-of-examples", name="Ministry of Examples")
        agency = await make_organisation(
            slug="examples-agency", name="Examples Agency", kind="agency", parent=home
        )
        elsewhere = await make_organisation(slug="other-department", name="Other Department")
        users = {
            "admin": await make_user("admin"),
            "publisher": await make_user("publisher"),
            "lead_assessor": await make_user("lead_assessor"),
            "assessor": await make_user("assessor", elsewhere),
            "dept_lead": await make_user("dept_lead", home),
            "dept_contributor": await make_user("dept_contributor", home),
        }
        # Someone nobody acts as: the only user and token generated requests may change.
        bystander = await make_user("dept_contributor", agency)
        bystander_token = await token_for(bystander)
        version = await make_framework_version()
        model = frameworks.model_of(version)
        assessments = {
            state: await make_assessment(
                home,
                state=state,
                framework_version=version,
                created_by=users["dept_lead"],
                assessor=users["assessor"],
                lead_assessor=users["lead_assessor"],
                answers={e.code: model.lowest for e in model.elements()[:3]}
                if state == "draft"
                else None,
            )
            for state in STATES
        }
        certificate = await certificates.issue(SystemActor("tests"), assessments["concluded"]["id"])
    headers = {role: await bearer(user) for role, user in users.items()}
    evidence = await client.post(
        "/api/v1/evidence",
        headers=headers["dept_lead"],
        data={"title": "Complaints policy", "organisation": home["slug"]},
        files={"file": ("policy.pdf", samples.pdf(), "application/pdf")},
    )
    assert evidence.status_code == 201, evidence.text
    table = await client.post(
        "/api/v1/league-tables",
        headers=headers["publisher"],
        json={
            "framework": version["slug"],
            "title": "Customer service league table",
            "as_of": dt.date.today().isoformat(),
        },
    )
    assert table.status_code == 201, table.text
    codes = [e.code for e in model.elements()]
    evidence_id = evidence.json()["id"]
    table_id = table.json()["id"]
    known: dict[str, list[Any]] = {
        "assessment_id": [str(a["id"]) for a in assessments.values()],
        "code": [codes[0], codes[1], codes[-1]],
        "user_id": [str(bystander["id"])],
        "token_id": [await _token_id(bystander_token)],
        "slug": [version["slug"]],
        "version": [version["version"]],
        "evidence_id": [evidence_id],
        "certificate": [str(certificate["id"]), f"{certificate['id']}.pdf"],
        "name": [table_id, *(f"{table_id}.{ext}" for ext in ("json", "csv", "ods", "pdf"))],
        "organisation": [home["slug"], agency["slug"], elsewhere["slug"]],
        "framework": [version["slug"]],
        "status": list(STATES),
        "user": [users["assessor"]["email"], str(users["assessor"]["id"])],
        "evidence": [[evidence_id]],
        "revises": [table_id],
        "revision": [0, 1],
        "score": [model.lowest, model.highest],
        "outcome": ["confirm", "refer_back"],
        "role": list(ROLES),
    }
    return World(headers=headers, known=known)


async def _token_id(token: str) -> str:
    from app.accounts.tables import ApiToken
    from app.accounts.tokens import token_hash

    row = await ApiToken.select(ApiToken.id).where(ApiToken.token_hash == token_hash(token)).first()
    assert row is not None
    return str(row["id"])
