"""Charter's benchmarks: `python bench/run.py [--quick] [--only NAME] [--database DB]`.

Prints a table and writes bench/results.json. Every figure is judged against a floor measured in
the same run, so the ratios hold on a noisy machine. See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_PYTHON = REPO / ".venv" / "bin" / "python"

# `python bench/run.py` may be started by a Python without the app's packages: use the project's.
if VENV_PYTHON.exists() and Path(sys.prefix).resolve() != (REPO / ".venv").resolve():
    os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), *sys.argv])
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import extras  # noqa: E402
from bench.environment import postgres_reachable  # noqa: E402
from bench.figures import Figure, failed, skipped, table  # noqa: E402
from bench.suite import SCENARIOS  # noqa: E402

ALL = (*SCENARIOS, *extras.EXTRAS)
RESULTS = REPO / "bench" / "results.json"
SUITE_TIMEOUT = 900


def _suite(database: str, scenarios: list[str], args: argparse.Namespace) -> list[Figure]:
    """Run scenarios against one database, in a child process; its figures."""
    if not scenarios:
        return []
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        out_path = Path(out.name)
    command = [
        sys.executable,
        "-m",
        "bench.suite",
        "--database",
        database,
        "--scenarios",
        ",".join(scenarios),
        "--out",
        str(out_path),
        "--element-page",
        args.element_page,
        "--task-list-page",
        args.task_list_page,
        "--workers",
        str(args.workers or ""),
    ]
    command += ["--quick"] * args.quick + ["--keep"] * args.keep
    if args.profile:
        command += ["--profile", str(args.profile.resolve())]
    try:
        done = subprocess.run(command, cwd=REPO, timeout=SUITE_TIMEOUT)
        if done.returncode != 0 or not out_path.stat().st_size:
            why = f"the {database} run exited with {done.returncode}"
            return [failed(s, why, database) for s in scenarios]
        return [Figure.from_dict(d) for d in json.loads(out_path.read_text())]
    except subprocess.TimeoutExpired:
        why = f"the {database} run took over {SUITE_TIMEOUT} s"
        return [failed(s, why, database) for s in scenarios]
    finally:
        out_path.unlink(missing_ok=True)


def _plan(args: argparse.Namespace) -> list[tuple[str, list[str]]]:
    """(database, scenarios) pairs. `both`: everything on SQLite, and autosave on PostgreSQL too."""
    wanted = [s for s in SCENARIOS if s in args.only]
    if args.database == "sqlite":
        return [("sqlite", wanted)]
    if args.database == "postgresql":
        return [("postgresql", wanted)]
    return [("sqlite", wanted), ("postgresql", [s for s in wanted if s == "autosave"])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python bench/run.py", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--quick", action="store_true", help="shorter runs (under a minute); same targets"
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help=f"run only these (repeat or comma-separate): {', '.join(ALL)}",
    )
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgresql", "both"),
        default="both",
        help="both (default): every scenario on SQLite, autosave on PostgreSQL as well",
    )
    parser.add_argument(
        "--element-page",
        default="",
        metavar="PATH",
        help="the element form page's route, e.g. /assessments/{id}/elements/{code}",
    )
    parser.add_argument(
        "--task-list-page", default="", metavar="PATH", help="the task list page's route"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        metavar="N",
        help="workers of the server that the pages' requests/s target is judged on (default: one "
        "per core)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep temp folders, logs and the PG database"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        metavar="DIR",
        help="record the server with py-spy during each scenario into DIR (slows it a little)",
    )
    parser.add_argument(
        "--json", type=Path, default=RESULTS, help=f"where to write results (default {RESULTS})"
    )
    args = parser.parse_args(argv)
    args.only = [n.strip() for o in args.only for n in o.split(",") if n.strip()] or list(ALL)
    unknown = [n for n in args.only if n not in ALL]
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}: choose from {', '.join(ALL)}")

    began = time.perf_counter()
    figures: list[Figure] = []
    for database, scenarios in _plan(args):
        if database == "postgresql" and scenarios and (reason := postgres_reachable()):
            figures += [skipped(s, reason, database) for s in scenarios]
            continue
        figures += _suite(database, scenarios, args)
    figures += extras.run(
        [n for n in extras.EXTRAS if n in args.only], args.quick, args.json, args.database
    )

    print()
    print(table(figures))
    missed = [f for f in figures if f.passed is False]
    seconds = time.perf_counter() - began
    print(
        f"\n{len(missed)} target(s) missed" if missed else "\nevery target met",
        f"({seconds:.0f} s)",
    )
    _write(args.json, figures, args, seconds)
    print(f"results written to {args.json}")
    return 1 if missed else 0


def _write(path: Path, figures: list[Figure], args: argparse.Namespace, seconds: float) -> None:
    """Our keys replace the last run's; keys other benchmark scripts merged in are kept."""
    try:
        results = json.loads(path.read_text()) if path.exists() else {}
    except json.JSONDecodeError:
        results = {}
    results["run"] = {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "database": args.database,
        "only": args.only,
        "seconds": round(seconds, 1),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
    }
    results["figures"] = [f.as_dict() for f in figures]
    results["missed"] = [
        f"{f.scenario} {f.measure} ({f.database})".replace(" ()", "")
        for f in figures
        if f.passed is False
    ]
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")


if __name__ == "__main__":
    sys.exit(main())
