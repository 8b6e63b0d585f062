"""League table publication over 2,000 organisations with 60 elements each, against a floor: the
bare SQL that picks each organisation's latest concluded assessment and orders the result, over
the same data in the same run. Target: publication <= 5x the floor.

    python bench/league_tables.py [--quick] [--database sqlite|postgresql] [--json PATH]

Prints the figures and merges them into bench/results.json under "league_tables".
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
VENV_PYTHON = REPO / ".venv" / "bin" / "python"
if VENV_PYTHON.exists() and Path(sys.prefix).resolve() != (REPO / ".venv").resolve():
    os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), *sys.argv])
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.environment import clean_up, postgres_reachable, prepare  # noqa: E402
from bench.figures import Figure, at_most, ratio_of  # noqa: E402

RESULTS = REPO / "bench" / "results.json"
ORGANISATIONS = 2000
TARGET = 5.0
SLUG = "bench-standard"
BATCH = 500

# The bare aggregation: each organisation's latest concluded assessment of the framework, ordered.
FLOOR_SQL = """
SELECT o.slug, o.name, o.kind, latest.moderated_percent, latest.moderated_result,
       latest.award_code, latest.award_label, latest.concluded_at, latest.version
FROM (
    SELECT a.organisation, a.moderated_percent, a.moderated_result, a.award_code, a.award_label,
           a.concluded_at, fv.version,
           ROW_NUMBER() OVER (PARTITION BY a.organisation ORDER BY a.concluded_at DESC) AS n
    FROM assessment a JOIN framework_version fv ON fv.id = a.framework_version
    WHERE fv.slug = {} AND a.status = 'concluded' AND a.moderated_percent IS NOT NULL
      AND a.concluded_at < {}
) latest
JOIN organisation o ON o.id = latest.organisation
WHERE latest.n = 1
ORDER BY o.name
"""


def framework_yaml(themes: int = 5, criteria: int = 3, elements: int = 4) -> str:
    """A framework of themes x criteria x elements (60 by default)."""
    lines = [
        "format: 1",
        f"slug: {SLUG}",
        'version: "1"',
        "title: Benchmark Standard",
        "scale:",
        "  levels:",
        *(f"    - {{value: {v}, label: Level {v}}}" for v in range(5)),
        "awards:",
        "  - {code: excellence, label: Excellence,",
        "     rules: {min_overall_percent: 80, min_theme_percent: 65}}",
        "  - {code: accredited, label: Accredited, rules: {min_overall_percent: 60}}",
        "themes:",
    ]
    for t in range(1, themes + 1):
        lines += [f"  - code: T{t}", f"    title: Theme {t}", f"    weight: {t}", "    criteria:"]
        for c in range(1, criteria + 1):
            lines += [
                f"      - code: T{t}.{c}",
                f"        title: Criterion {t}.{c}",
                "        elements:",
            ]
            lines += [
                f"          - {{code: T{t}.{c}.{e}, statement: Element {t}.{c}.{e}}}"
                for e in range(1, elements + 1)
            ]
    return "\n".join(lines) + "\n"


async def _insert(table: Any, rows: list[Any]) -> None:
    for start in range(0, len(rows), BATCH):
        await table.insert(*rows[start : start + BATCH])


async def seed(organisations: int) -> dict[str, Any]:
    """Organisations, each with an older and a latest concluded assessment, every one with a
    response and a moderation on all 60 elements; inserted in bulk, in one transaction."""
    from app import db
    from app.accounts.actor import SystemActor
    from app.accounts.tables import User
    from app.assessments.results import to_stored
    from app.assessments.scoring import Answer, award_for, score
    from app.assessments.tables import Assessment, Response
    from app.frameworks import service as frameworks
    from app.frameworks.loader import read_framework
    from app.moderation.tables import Moderation
    from app.organisations.tables import Organisation

    rng = random.Random(7)
    fw_row, _ = await frameworks.store(
        SystemActor("bench"), read_framework(framework_yaml().encode(), "bench.yaml")
    )
    model = frameworks.model_of(fw_row)
    codes = [e.code for e in model.elements()]
    now = dt.datetime.now(dt.UTC)
    kinds = ["department", "agency", "local_authority", "nhs_body", "other"]
    async with db.transaction():
        people = {
            role: User(email=f"{role}@bench.example", name=role, role=role, password_hash="x")
            for role in ("dept_lead", "assessor", "publisher")
        }
        await User.insert(*people.values())
        orgs = [
            Organisation(
                slug=f"org-{i:05d}",
                name=f"Organisation {rng.randrange(10**6):06d} {i}",
                kind=kinds[i % len(kinds)],
            )
            for i in range(organisations)
        ]
        await _insert(Organisation, orgs)
        assessments, responses, moderations = [], [], []
        for org in orgs:
            for months_ago in (rng.randint(14, 20), rng.randint(0, 6)):
                level = rng.randint(1, 4)
                answers = {c: Answer(min(4, max(0, level + rng.randint(-1, 1)))) for c in codes}
                result = score(model, answers)
                award = award_for(model, answers, result)
                concluded = now - dt.timedelta(days=30 * months_ago + rng.randint(1, 25))
                a = Assessment(
                    organisation=org.id,
                    framework_version=fw_row["id"],
                    status="concluded",
                    created_by=people["dept_lead"].id,
                    created_at=concluded,
                    submitted_at=concluded,
                    concluded_at=concluded,
                    self_result=to_stored(result),
                    moderated_result=to_stored(result),
                    moderated_percent=str(result.overall),
                    award_code=award.code if award else None,
                    award_label=award.label if award else None,
                )
                assessments.append(a)
                for code, answer in answers.items():
                    responses.append(
                        Response(
                            assessment=a.id,
                            element_code=code,
                            score=answer.score,
                            updated_by=people["dept_lead"].id,
                        )
                    )
                    moderations.append(
                        Moderation(
                            assessment=a.id,
                            element_code=code,
                            score=answer.score,
                            moderated_by=people["assessor"].id,
                        )
                    )
        await _insert(Assessment, assessments)
        await _insert(Response, responses)
        await _insert(Moderation, moderations)
    return {
        "publisher": people["publisher"],
        "assessments": len(assessments),
        "elements": len(codes),
        "element_rows": len(responses) + len(moderations),
    }


async def measure(runs: int, organisations: int) -> tuple[list[Figure], dict[str, Any]]:
    from app import db
    from app.accounts.actor import Actor
    from app.accounts.roles import Role
    from app.assessments.tables import Assessment
    from app.league_tables import ranking, service
    from app.league_tables.forms import PublishForm
    from app.migrations import migrate

    await db.start()
    await migrate()
    began = time.perf_counter()
    seeded = await seed(organisations)
    seed_seconds = time.perf_counter() - began
    user = seeded["publisher"]
    actor = Actor(
        id=user.id, email=user.email, name=user.name, role=Role.PUBLISHER, organisation_id=None
    )
    as_of = service.today()
    end = ranking.end_of(as_of)

    async def publish(n: int, day: dt.date = as_of) -> int:
        table = await service.publish(
            actor, PublishForm(framework=SLUG, title=f"Run {n}", as_of=day.isoformat())
        )
        return len(table["rows"])

    async def floor() -> int:
        return len(await Assessment.raw(FLOOR_SQL, SLUG, end))

    published_rows, floor_rows = await publish(0), await floor()  # warm-up
    assert published_rows == floor_rows == organisations, (published_rows, floor_rows)
    publish_times, floor_times = [], []
    for n in range(1, runs + 1):
        # Untimed: a table as of four months earlier, so that the timed one has real changes in
        # rank and score to work out (about half the organisations have a newer result since).
        await publish(-n, as_of - dt.timedelta(days=120))
        t = time.perf_counter()
        await floor()
        floor_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        await publish(n)
        publish_times.append(time.perf_counter() - t)
    await db.stop()
    publish_s, floor_s = statistics.median(publish_times), statistics.median(floor_times)
    ratio = ratio_of(publish_s, floor_s)
    database = "postgresql" if db.is_postgres() else "sqlite"
    note = (
        f"{organisations} organisations, {seeded['assessments']} concluded assessments, "
        f"{seeded['elements']} elements each; median of {runs}"
    )
    figures = [
        Figure(
            "league table publication",
            "floor: latest per organisation, ordered",
            floor_s * 1000,
            "ms",
            database=database,
            note="bare SQL over the same data",
        ),
        Figure(
            "league table publication",
            "publish (rank, changes, snapshot, audit)",
            publish_s * 1000,
            "ms",
            floor=floor_s * 1000,
            floor_label="bare SQL aggregation",
            ratio=ratio,
            target=f"<= {TARGET:g}x",
            passed=at_most(ratio, TARGET),
            database=database,
            note=note,
        ),
    ]
    detail = {
        "publish_seconds": publish_times,
        "floor_seconds": floor_times,
        "seed_seconds": round(seed_seconds, 1),
        "element_rows": seeded["element_rows"],
    }
    return figures, detail


def write(
    path: Path, figures: list[Figure], detail: dict[str, Any], args: argparse.Namespace
) -> None:
    """Merge our key into the results file, keeping every other key (and the other database's
    figures under by_database)."""
    try:
        results = json.loads(path.read_text()) if path.exists() else {}
    except json.JSONDecodeError:
        results = {}
    main = figures[-1]
    stored = results.get("league_tables")
    previous: dict[str, Any] = stored if isinstance(stored, dict) else {}
    by_database = dict(previous.get("by_database") or {})
    by_database[main.database] = {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "organisations": args.organisations,
        "publish_ms": main.value,
        "floor_ms": main.floor,
        "ratio": main.ratio,
        "target": main.target,
        "passed": main.passed,
        "figures": [f.as_dict() for f in figures],
        "detail": detail,
    }
    # The latest run's figures at the top; each database's latest run kept under by_database.
    results["league_tables"] = {
        "database": main.database,
        **by_database[main.database],
        "by_database": by_database,
    }
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python bench/league_tables.py", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="3 timed runs instead of 7")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--organisations", type=int, default=ORGANISATIONS)
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.database == "postgresql" and (reason := postgres_reachable()):
        print(f"skipped: {reason}")
        return 0
    environment = prepare(args.database)
    try:
        figures, detail = asyncio.run(measure(3 if args.quick else 7, args.organisations))
    finally:
        clean_up(environment)
    for f in figures:
        shown = f"{f.value:9.1f} {f.unit}"
        judged = (
            ""
            if f.ratio is None
            else (
                f"  {f.ratio:.2f}x the floor (target {f.target}): {'met' if f.passed else 'MISSED'}"
            )
        )
        print(f"{f.scenario} | {f.measure}: {shown}{judged}")
    print(f"({detail['element_rows']} element rows seeded in {detail['seed_seconds']} s)")
    write(args.json, figures, detail, args)
    print(f"merged into {args.json} under 'league_tables'")
    return 0 if figures[-1].passed is not False else 1


if __name__ == "__main__":
    sys.exit(main())
