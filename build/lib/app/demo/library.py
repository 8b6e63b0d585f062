"""The demo's evidence: each round's department uploads a few documents (made by documents.py)
through the evidence service, and links them to the elements of their themes."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import IO
from uuid import UUID

from app.accounts.actor import Actor
from app.demo import documents, texts
from app.demo.story import COMPLAINTS, ORGANISATIONS, Round
from app.evidence import service as evidence
from app.settings import Settings

RETURN_NOTE = (
    "Updated after the assessor returned the assessment: the document asked for is now "
    "attached, and this answer describes what it shows."
)
STALE_FOR = "eastmarsh-dc"  # its reassessment leans on an old insight profile, and was returned


@dataclass(frozen=True)
class Uploaded:
    id: UUID
    title: str
    themes: tuple[str, ...]


@dataclass
class DemoFile:
    """What the evidence service reads an upload from (a parsed multipart part has the same)."""

    filename: str
    file: IO[bytes]


@dataclass(frozen=True)
class Doc:
    title: str
    filename: str
    content: bytes
    themes: tuple[str, ...]
    description: str
    effective_on: dt.date


def _quarters(year: int, base: int, seed: object) -> list[list[object]]:
    rows: list[list[object]] = []
    for q in range(1, 5):
        lift = int(texts.pick(("0", "1", "2", "3"), seed, q))
        rows.append([f"{year}-Q{q}", 900 + 37 * q + lift * 11, base + q + lift, 3 + lift])
    return rows


def _customer_docs(name: str, r: Round, seed: object, start: dt.date) -> list[Doc]:
    year = start.year
    score = int(55 + 10 * (r.level if isinstance(r.level, float) else 2.5))
    insight_date = dt.date(2022, 3, 31) if r.organisation == STALE_FOR else start
    insight_year = insight_date.year
    return [
        Doc(
            f"Customer service strategy {year - 1} to {year + 2}",
            "customer-service-strategy.pdf",
            documents.pdf(
                f"Customer service strategy {year - 1} to {year + 2}",
                name,
                texts.pick(texts.NARRATIVES["LEAD"], seed, "strategy")
                + "\n\n"
                + texts.pick(texts.NARRATIVES["LEAD"], seed, "strategy-2"),
            ),
            ("LEAD",),
            "Adopted strategy and vision, with the board paper that approved it.",
            start - dt.timedelta(days=200),
        ),
        Doc(
            f"Customer insight profile {insight_year}",
            f"customer-insight-{insight_year}.csv",
            documents.csv_table(
                ["quarter", "contacts", "satisfied_percent", "complaints_per_1000"],
                _quarters(insight_year, score, seed),
            ),
            ("INSIGHT",),
            "Who contacts us, how often and how satisfied they are, by quarter.",
            insight_date,
        ),
        Doc(
            "Complaints and compliments trend",
            "complaints-trend.png",
            documents.bar_chart([score - 12, score - 8, score - 5, score - 1, score + 2]),
            ("INSIGHT", "MEASURE"),
            "Chart of complaints resolved at first contact, last five quarters.",
            start - dt.timedelta(days=45),
        ),
        Doc(
            "Staff engagement and training summary",
            "staff-engagement-training.pdf",
            documents.pdf(
                "Staff engagement and training summary",
                name,
                texts.pick(texts.NARRATIVES["CULTURE"], seed, "people")
                + "\n\n"
                + texts.pick(texts.NARRATIVES["SKILLS"], seed, "people"),
            ),
            ("CULTURE", "SKILLS"),
            "Engagement survey results and the training needs analysis.",
            start - dt.timedelta(days=90),
        ),
        Doc(
            f"Service standards performance report {year - 1}",
            "service-standards-report.pdf",
            documents.pdf(
                f"Service standards performance report {year - 1}",
                name,
                texts.pick(texts.NARRATIVES["MEASURE"], seed, "report")
                + "\n\n"
                + texts.pick(texts.NARRATIVES["MEASURE"], seed, "report-2"),
            ),
            ("MEASURE",),
            "Published performance against our customer service standards.",
            start - dt.timedelta(days=120),
        ),
        Doc(
            "Front-line suggestions log",
            "suggestions-log.txt",
            documents.text(
                [
                    f"{name}: suggestions from front-line staff",
                    "",
                    "1. Send a text when a case changes status - adopted",
                    "2. Plain English rewrite of the decision letter - adopted",
                    "3. Call-back slots for customers over 75 - piloting",
                    "4. Single form for change of address across schemes - with partners",
                ]
            ),
            ("CULTURE", "SKILLS"),
            "Suggestions received this year and what happened to each.",
            start - dt.timedelta(days=20),
        ),
    ]


def _complaints_docs(name: str, seed: object, start: dt.date) -> list[Doc]:
    year = start.year
    return [
        Doc(
            "Complaints procedure",
            "complaints-procedure.pdf",
            documents.pdf(
                "Complaints procedure",
                name,
                " ".join(texts.NARRATIVES["ACCESS"]) + "\n\n" + texts.NARRATIVES["HANDLE"][2],
            ),
            ("ACCESS", "HANDLE"),
            "The published two-stage procedure.",
            start - dt.timedelta(days=300),
        ),
        Doc(
            f"Complaints log summary {year - 1}",
            "complaints-log.csv",
            documents.csv_table(
                ["quarter", "received", "answered_in_time", "upheld"],
                [[f"{year - 1}-Q{q}", 140 + 9 * q, 130 + 8 * q, 30 + q] for q in range(1, 5)],
            ),
            ("HANDLE", "LEARN"),
            "Complaints received, answered in time and upheld, by quarter.",
            start - dt.timedelta(days=40),
        ),
        Doc(
            f"Annual complaints report {year - 1}",
            "annual-complaints-report.pdf",
            documents.pdf(
                f"Annual complaints report {year - 1}",
                name,
                " ".join(texts.NARRATIVES["GOVERN"]) + "\n\n" + texts.NARRATIVES["LEARN"][1],
            ),
            ("GOVERN", "LEARN"),
            "Published annual report, as seen by the board.",
            start - dt.timedelta(days=60),
        ),
    ]


async def _store(actor: Actor, organisation: str, doc: Doc, settings: Settings) -> Uploaded:
    stored = await evidence.upload(
        actor,
        organisation,
        doc.title,
        doc.description,
        doc.effective_on,
        DemoFile(doc.filename, io.BytesIO(doc.content)),
        settings=settings,
    )
    return Uploaded(UUID(stored["id"]), doc.title, doc.themes)


async def upload_for(
    actor: Actor, r: Round, index: int, start: dt.datetime, settings: Settings
) -> list[Uploaded]:
    """The documents a department gathers for one assessment."""
    name = _name_of(r)
    day = start.date()
    if r.framework == COMPLAINTS:
        docs = _complaints_docs(name, (r.organisation, index), day)
    else:
        docs = _customer_docs(name, r, (r.organisation, index), day)
    return [await _store(actor, r.organisation, doc, settings) for doc in docs]


async def upload_response(
    actor: Actor, r: Round, index: int, start: dt.datetime, settings: Settings
) -> Uploaded:
    """The document a department adds when its assessment comes back from the assessor."""
    title = "Evidence requested by the assessor"
    doc = Doc(
        title,
        "evidence-requested.pdf",
        documents.pdf(title, _name_of(r), r.returned),
        ("INSIGHT", "LEAD", "MEASURE", "SKILLS", "CULTURE"),
        "Added in answer to the assessor's return: " + r.returned[:200],
        start.date(),
    )
    return await _store(actor, r.organisation, doc, settings)


def _name_of(r: Round) -> str:
    return next(b.name for b in ORGANISATIONS if b.slug == r.organisation)


def links_for(documents_: list[Uploaded], theme: str, code: str, required: bool) -> list[UUID]:
    """Evidence for an element: its theme's documents where evidence is required, else now and
    then one of them, as departments do."""
    matching = [d.id for d in documents_ if theme in d.themes]
    if required:
        return matching[:2]
    return matching[:1] if texts.pick(("link", "", ""), code) == "link" else []
