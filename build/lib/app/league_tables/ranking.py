"""Ranking (pure): which concluded results a league table holds, in what order, and how they moved.

No I/O here: service.py loads candidates and previous tables; everything below is arithmetic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property, lru_cache
from math import gcd
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from app.assessments.scoring import api_percent
from app.certificates.terms import add_months

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Candidate:
    """One concluded, moderated assessment that might stand for its organisation in a table."""

    organisation: str  # slug
    organisation_name: str
    organisation_kind: str
    concluded_at: dt.datetime
    framework_version: str
    validity_months: int
    overall: Fraction  # the moderated overall percent, exact
    themes: Mapping[str, str | None]  # moderated theme percents as exact strings
    award_code: str | None
    award_label: str | None

    @cached_property
    def concluded_on(self) -> dt.date:
        return local_date(self.concluded_at)

    @cached_property
    def overall_text(self) -> str:
        """The exact overall as canonical text: equal percents have equal texts."""
        return str(self.overall)


@dataclass(frozen=True)
class Published:
    """What ranking needs to know about a table that is already published."""

    id: UUID
    revises: UUID | None
    published_at: dt.datetime


def local_date(moment: dt.datetime) -> dt.date:
    """The UK date of a moment: an assessment concluded at 00:30 BST on 1 May counts for 1 May."""
    return moment.astimezone(LONDON).date() if moment.tzinfo else moment.date()


def end_of(as_of: dt.date) -> dt.datetime:
    """The first instant (UTC) after `as_of` in the UK: 'concluded on or before' is `< end_of`."""
    next_day = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=LONDON)
    return next_day.astimezone(dt.UTC)


def earliest_concluded_on(as_of: dt.date, validity_months: int) -> dt.date:
    """The first day on which a result concluded would still be current on `as_of`."""
    day = add_months(as_of, -validity_months)
    while expires_on(day, validity_months) <= as_of:
        day += dt.timedelta(days=1)
    while expires_on(day - dt.timedelta(days=1), validity_months) > as_of:
        day -= dt.timedelta(days=1)
    return day


def start_of(day: dt.date) -> dt.datetime:
    """The first instant (UTC) of `day` in the UK."""
    return dt.datetime.combine(day, dt.time(), tzinfo=LONDON).astimezone(dt.UTC)


@lru_cache(maxsize=4096)
def expires_on(concluded_on: dt.date, validity_months: int) -> dt.date:
    """As a certificate issued that day: from this date on it is no longer valid."""
    return add_months(concluded_on, validity_months)


def is_current(candidate: Candidate, as_of: dt.date) -> bool:
    """Concluded on or before `as_of`, and still within its framework version's validity then."""
    concluded_on = candidate.concluded_on
    return concluded_on <= as_of < expires_on(concluded_on, candidate.validity_months)


def latest_per_organisation(candidates: Iterable[Candidate], as_of: dt.date) -> list[Candidate]:
    """Each organisation's latest current result (of any framework version)."""
    latest: dict[str, Candidate] = {}
    for candidate in candidates:
        if not is_current(candidate, as_of):
            continue
        held = latest.get(candidate.organisation)
        if held is None or candidate.concluded_at > held.concluded_at:
            latest[candidate.organisation] = candidate
    return list(latest.values())


def ranked(candidates: Iterable[Candidate]) -> list[tuple[int, Candidate]]:
    """Highest overall first; equal percents share a rank (1, 2, 2, 4), then go by name."""
    listed = list(candidates)
    # Fractions compare slowly. The distinct percents are sorted by their first nine decimals,
    # exactly only where those are equal; organisations then sort by their percent's place.
    distinct = {c.overall_text: c.overall for c in listed}

    def size(text: str) -> tuple[int, Fraction]:
        value = distinct[text]
        return (value.numerator * 10**9 // value.denominator, value)

    place = {t: i for i, t in enumerate(sorted(distinct, key=size, reverse=True))}
    ordered = sorted(
        listed,
        key=lambda c: (place[c.overall_text], c.organisation_name.casefold(), c.organisation),
    )
    result: list[tuple[int, Candidate]] = []
    for position, candidate in enumerate(ordered, start=1):
        if result and result[-1][1].overall_text == candidate.overall_text:
            result.append((result[-1][0], candidate))
        else:
            result.append((position, candidate))
    return result


@lru_cache(maxsize=65536)
def _api_percent(exact: str) -> float | None:
    """scoring.api_percent of an exact stored percent ("200/3"), for thousands of rows at a time.

    Fraction arithmetic costs microseconds a step, so "n/d" is rounded half away from zero to 4
    places in whole numbers: (2|n|10^4 + d) // 2d is the rounded magnitude, and int / int is
    correctly rounded, as float(Fraction) is. The tests check it against api_percent itself.
    """
    numerator, _, denominator = exact.partition("/")
    if not numerator.lstrip("-").isdigit() or not (denominator or "1").isdigit():
        return api_percent(Fraction(exact))
    n, d = int(numerator), int(denominator or 1)
    magnitude = (2 * abs(n) * 10**4 + d) // (2 * d)
    return (-magnitude if n < 0 else magnitude) / 10**4


@dataclass(frozen=True)
class Standing:
    """Where an organisation stood in the previous table."""

    rank: int
    overall: str  # exact


def standings(rows: Iterable[Mapping[str, Any]]) -> dict[str, Standing]:
    return {r["organisation"]: Standing(r["rank"], r["exact"]["overall"]) for r in rows}


def exact(text: str) -> Fraction:
    """A stored exact percent ("200/3", "75") as a Fraction; quicker than Fraction's own parser."""
    numerator, _, denominator = text.partition("/")
    try:
        return Fraction(int(numerator), int(denominator or 1))
    except ValueError:
        return Fraction(text)


def change_of(now: Fraction, now_text: str, then: str) -> str:
    """`now` minus the exact percent `then`, as the text str(Fraction) would give.

    Most organisations keep the same result from one table to the next, so equal texts need no
    arithmetic; otherwise whole numbers do it several times faster than Fraction would.
    """
    if now_text == then:
        return "0"
    numerator, _, denominator = then.partition("/")
    if not numerator.lstrip("-").isdigit() or not (denominator or "1").isdigit():
        return str(now - Fraction(then))
    c, d = int(numerator), int(denominator or 1)
    top = now.numerator * d - c * now.denominator
    bottom = now.denominator * d
    common = gcd(top, bottom)
    top, bottom = top // common, bottom // common
    return str(top) if bottom == 1 else f"{top}/{bottom}"


def build_rows(
    candidates: Iterable[Candidate], as_of: dt.date, previous: Mapping[str, Standing] | None
) -> list[dict[str, Any]]:
    """The rows of a table as of `as_of`, with changes against the previous table's standings
    (None when there is no previous table)."""
    before = previous or {}
    rows = []
    for rank, c in ranked(latest_per_organisation(candidates, as_of)):
        overall = c.overall_text
        earlier = before.get(c.organisation)
        change = None if earlier is None else change_of(c.overall, overall, earlier.overall)
        rows.append(
            {
                "rank": rank,
                "organisation": c.organisation,
                "organisation_name": c.organisation_name,
                "organisation_kind": c.organisation_kind,
                "award": None
                if c.award_code is None
                else {"code": c.award_code, "label": c.award_label or c.award_code},
                "overall_percent": _api_percent(overall),
                "themes": {
                    code: None if v is None else _api_percent(v) for code, v in c.themes.items()
                },
                "rank_change": None if earlier is None else earlier.rank - rank,
                "score_change": None if change is None else _api_percent(change),
                "framework_version": c.framework_version,
                "concluded_on": c.concluded_on.isoformat(),
                "exact": {"overall": overall, "themes": c.themes, "score_change": change},
            }
        )
    return rows


def _root_time(table: Published, by_id: Mapping[UUID, Published]) -> dt.datetime:
    """A revision takes the place in the series of the table it corrects (followed to the first)."""
    seen = set()
    while table.revises is not None and table.revises in by_id and table.id not in seen:
        seen.add(table.id)
        table = by_id[table.revises]
    return table.published_at


def previous_table(
    tables: Sequence[Published], moment: dt.datetime, revises: UUID | None = None
) -> UUID | None:
    """The table that one published at `moment` (revising `revises`, if any) is compared with.

    That is the latest table of the series as it stood at `moment`: tables already corrected by
    then are replaced by their corrections, and a correction sits where the table it replaces sat,
    so a revision compares with what the original compared with.
    """
    by_id = {t.id: t for t in tables}
    earlier = [t for t in tables if t.published_at < moment and t.id != revises]
    replaced = {t.revises for t in earlier if t.revises is not None}
    pool = [t for t in earlier if t.id not in replaced]
    if revises is not None and revises in by_id:
        place = _root_time(by_id[revises], by_id)
    else:
        place = moment
    before = [t for t in pool if _root_time(t, by_id) < place]
    if not before:
        return None
    return max(before, key=lambda t: (_root_time(t, by_id), t.published_at)).id
