"""What the benchmarks need in the database: a 60-element framework, an organisation, people, an
assessment half answered with evidence linked, signed-in sessions. Built the way tests/factories.py
builds rows (direct inserts, one password hash for everyone), plus sign-in over real HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

import yaml

from app.assessments.tables import Response, ResponseEvidence
from app.evidence.tables import Evidence
from bench.client import Connection, cookie_header
from bench.environment import REPO
from bench.server import Server
from tests.factories import (
    COMPLAINTS_FRAMEWORK,
    MAIN_FRAMEWORK,
    PASSWORD,
    make_assessment,
    make_framework_version,
    make_organisation,
    make_user,
    token_for,
)

THEMES, CRITERIA, ELEMENTS = 6, 2, 5  # 60 elements
EVIDENCE_ITEMS = 24


def sixty_element_framework() -> str:
    """A framework of 60 elements whose texts are borrowed, in turn, from the shipped standard's,
    so pages carry text of realistic length."""
    shipped = yaml.safe_load(
        (REPO / "frameworks" / "public-service-customer-standard.yaml").read_text()
    )
    texts = [e for t in shipped["themes"] for c in t["criteria"] for e in c["elements"]]
    themes = []
    n = 0
    for t in range(1, THEMES + 1):
        source_theme = shipped["themes"][(t - 1) % len(shipped["themes"])]
        criteria = []
        for c in range(1, CRITERIA + 1):
            elements = []
            for e in range(1, ELEMENTS + 1):
                source = texts[n % len(texts)]
                n += 1
                element: dict[str, Any] = {
                    "code": f"T{t}.{c}.{e}",
                    "statement": source["statement"],
                    "guidance": source.get("guidance", ""),
                    "evidence_examples": source.get("evidence_examples", []),
                }
                if e == 1:
                    element["mandatory"] = True
                if e == 2:
                    element["evidence_required"] = True
                elements.append(element)
            criteria.append(
                {
                    "code": f"T{t}.{c}",
                    "title": f"{source_theme['title']}: part {c}",
                    "elements": elements,
                }
            )
        themes.append(
            {
                "code": f"T{t}",
                "title": source_theme["title"],
                "weight": 1 + t % 3,
                "description": source_theme.get("description", ""),
                "criteria": criteria,
            }
        )
    framework = {
        "format": 1,
        "slug": "bench-sixty-elements",
        "version": "1",
        "title": "Benchmark Standard (60 elements)",
        "scale": shipped["scale"],
        "awards": shipped["awards"],
        "themes": themes,
    }
    return yaml.dump(framework, Dumper=_Plain, sort_keys=False, allow_unicode=True)


class _Plain(yaml.SafeDumper):
    """Writes shared texts out in full each time: the framework format refuses YAML aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


@dataclass
class Seeded:
    organisation: dict[str, Any]
    lead: dict[str, Any]
    lead_token: str
    framework: dict[str, Any]  # the 60-element version's row
    codes: list[str]  # its element codes, in file order
    assessment: dict[str, Any]  # a draft, half answered, evidence linked
    shipped: list[dict[str, Any]] = field(default_factory=list)  # the shipped frameworks' rows


async def seed() -> Seeded:
    shipped = [
        await make_framework_version(MAIN_FRAMEWORK),
        await make_framework_version(COMPLAINTS_FRAMEWORK),
    ]
    framework = await make_framework_version(text=sixty_element_framework())
    codes = [
        e["code"]
        for t in yaml.safe_load(sixty_element_framework())["themes"]
        for c in t["criteria"]
        for e in c["elements"]
    ]
    organisation = await make_organisation(
        slug="bench-department", name="Department for Benchmarks"
    )
    lead = await make_user("dept_lead", organisation, email="lead@bench.example.gov.uk")
    half = {code: i % 5 for i, code in enumerate(codes[: len(codes) // 2])}
    assessment = await make_assessment(
        organisation, framework_version=framework, created_by=lead, answers=half
    )
    evidence = await _evidence_library(organisation, lead)
    await _link_evidence(assessment, evidence)
    return Seeded(organisation, lead, await token_for(lead), framework, codes, assessment, shipped)


async def _evidence_library(organisation: dict[str, Any], user: dict[str, Any]) -> list[Any]:
    """Evidence rows only (no blobs): the pages list the library, they do not open the files."""
    ids = []
    for n in range(EVIDENCE_ITEMS):
        item = Evidence(
            organisation=organisation["id"],
            title=f"Customer insight report {n + 1}",
            filename=f"insight-{n + 1}.pdf",
            media_type="application/pdf",
            size=120_000 + n,
            sha256=hashlib.sha256(f"bench evidence {n}".encode()).hexdigest(),
            effective_on=dt.date(2026, 1, 1) + dt.timedelta(days=7 * n),
            uploaded_by=user["id"],
            uploaded_at=dt.datetime.now(dt.UTC),
        )
        await item.save()
        ids.append(item.id)
    return ids


async def _link_evidence(assessment: dict[str, Any], evidence: list[Any]) -> None:
    responses = await Response.select(Response.id).where(Response.assessment == assessment["id"])
    for n, response in enumerate(responses):
        for k in range(3):
            await ResponseEvidence(
                response=response["id"], evidence=evidence[(n + k) % len(evidence)]
            ).save()


async def people(
    organisation: dict[str, Any], count: int, role: str = "dept_contributor", prefix: str = "person"
) -> list[dict[str, Any]]:
    return [
        await make_user(role, organisation, email=f"{prefix}-{n}@bench.example.gov.uk")
        for n in range(count)
    ]


async def sign_in(server: Server, email: str) -> dict[str, str]:
    """Cookies of a browser that signed in (session) and then read a page (CSRF token)."""
    from bench.bench_app import HELLO

    connection = Connection(server.port)
    try:
        reply = await connection.request(
            "POST",
            "/api/v1/auth/login",
            {"Content-Type": "application/json"},
            json.dumps({"email": email, "password": PASSWORD}).encode(),
        )
        if reply.status != 200:
            raise RuntimeError(f"sign-in of {email} answered {reply.status}: {reply.body[:300]!r}")
        cookies = reply.cookies()
        reply = await connection.request("GET", HELLO, {"Cookie": cookie_header(cookies)})
        cookies.update(reply.cookies())
        return cookies
    finally:
        await connection.close()


async def sign_in_all(server: Server, emails: list[str], at_once: int = 4) -> list[dict[str, str]]:
    gate = asyncio.Semaphore(at_once)

    async def one(email: str) -> dict[str, str]:
        async with gate:
            return await sign_in(server, email)

    return list(await asyncio.gather(*(one(e) for e in emails)))


async def sessions_for(
    server: Server, users: list[dict[str, Any]], probe: str
) -> list[dict[str, str]]:
    """Signed-in cookies for many people, each session stored the way sign-in stores one, without
    paying for a password check per person (the sign-in burst measures that). If the server does
    not accept such a session (`probe` answers other than 200), they sign in over HTTP instead."""
    from litestar.middleware.session.server_side import ServerSideSessionBackend

    from app.accounts.auth import new_session
    from app.accounts.session_store import DatabaseStore
    from app.accounts.tables import User

    store = DatabaseStore()
    ids = [user["id"] for user in users]
    columns = (User.id, User.password_hash, User.session_generation)
    rows = await User.select(*columns).where(User.id.is_in(ids)) if ids else []
    stored = {str(row["id"]): row for row in rows}
    jars = []
    for user in users:
        session_id = secrets.token_hex(32)
        row = stored.get(str(user["id"]), {"password_hash": "", "session_generation": 0})
        data = new_session(user["id"], row["password_hash"], row["session_generation"])
        await store.set(session_id, ServerSideSessionBackend.serialize_data(data), expires_in=3600)
        jars.append({"charter_session": session_id})
    connection = Connection(server.port)
    try:
        for jar in jars:
            reply = await connection.request("GET", probe, {"Cookie": cookie_header(jar)})
            if reply.status != 200:
                return await sign_in_all(server, [u["email"] for u in users])
            jar.update(reply.cookies())
    finally:
        await connection.close()
    return jars


def browser_headers(cookies: dict[str, str], csrf: bool = False) -> dict[str, str]:
    headers = {"Cookie": cookie_header(cookies)}
    if csrf:
        headers["x-csrf-token"] = cookies["charter_csrf"]
    return headers
