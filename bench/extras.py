"""The benchmarks kept in scripts of their own: bench/render.py (certificate and board report
against a minimal WeasyPrint document) and bench/league_tables.py (publication over 2,000
organisations against the bare SQL aggregation). Each runs as a subprocess, exactly as it runs
by hand, and merges its key into the results file; the figures under that key join the table."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.figures import Figure, at_most, failed, skipped

EXTRAS = ("render", "league_tables")
BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DEFAULT_RESULTS = BENCH / "results.json"
TIMEOUT = 600
QUICK_ORGANISATIONS = 100  # seeding 2,000 takes minutes; --quick is for a first look


def _arguments(name: str, source: str, quick: bool, database: str, results: Path) -> list[str]:
    """Only the options the script says it takes (it may be changing as this runs)."""
    wanted: list[str] = []
    if name == "render":
        wanted += ["--repeat", "2" if quick else "5"]
    else:
        wanted += [
            "--json",
            str(results),
            "--database",
            "postgresql" if database == "postgresql" else "sqlite",
        ]
        if quick:
            wanted += ["--quick", "--organisations", str(QUICK_ORGANISATIONS)]
    found: list[str] = []
    for i, arg in enumerate(wanted):
        if arg.startswith("--") and f'"{arg}"' in source:
            found.append(arg)
            if i + 1 < len(wanted) and not wanted[i + 1].startswith("--"):
                found.append(wanted[i + 1])
    return found


def _read(path: Path, key: str) -> Any:
    try:
        return json.loads(path.read_text()).get(key)
    except (OSError, ValueError):
        return None


def _render_figures(found: dict[str, Any]) -> list[Figure]:
    minimal = found["minimal_seconds"] * 1000
    report_minimal = found.get("report_minimal_seconds", found["minimal_seconds"]) * 1000
    rounds = ", ".join(f"{r:.2f}x" for r in found.get("certificate_round_ratios", []))
    pages = found["report_pages"]
    per_page = found["report_seconds"] * 1000 / pages
    certificate_target = found.get("certificate_target", 3)
    report_target = found.get("report_per_page_target", 12)
    return [
        Figure("PDF rendering", "minimal one-page document (floor)", minimal, "ms"),
        Figure(
            "PDF rendering",
            "certificate",
            found["certificate_seconds"] * 1000,
            "ms",
            minimal,
            "minimal",
            found["certificate_ratio"],
            f"<= {certificate_target:g}x",
            at_most(found["certificate_ratio"], certificate_target),
            note=f"median of rounds {rounds}; " * bool(rounds)
            + f"signing adds {found.get('certificate_sign_seconds', 0) * 1000:.0f} ms",
        ),
        Figure(
            "PDF rendering",
            "board report, per page",
            per_page,
            "ms",
            report_minimal,
            "minimal",
            found["report_per_page_ratio"],
            f"<= {report_target:g}x",
            at_most(found["report_per_page_ratio"], report_target),
            note=f"{pages} pages in {found['report_seconds']:.2f} s",
        ),
    ]


def _generic_figures(found: dict[str, Any]) -> list[Figure]:
    return [Figure.from_dict(f) for f in found.get("figures", [])]


CONVERT: dict[str, Callable[[dict[str, Any]], list[Figure]]] = {
    "render": _render_figures,
    "league_tables": _generic_figures,
}


def run(names: list[str], quick: bool, results: Path, database: str) -> list[Figure]:
    figures: list[Figure] = []
    for name in names:
        script = BENCH / f"{name}.py"
        if not script.exists():
            figures.append(skipped(name, f"bench/{name}.py not written yet"))
            continue
        source = script.read_text()
        arguments = _arguments(name, source, quick, database, results)
        # A script that cannot be told where to write uses the default file.
        written_to = results if "--json" in arguments else DEFAULT_RESULTS
        before = _read(written_to, name)
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        try:
            done = subprocess.run(
                [sys.executable, str(script), *arguments],
                cwd=REPO,
                timeout=TIMEOUT,
                capture_output=True,
                text=True,
            )
        except subprocess.TimeoutExpired:
            figures.append(failed(name, f"took over {TIMEOUT} s"))
            continue
        after = _read(written_to, name)
        if not isinstance(after, dict) or after == before:
            print(done.stdout[-2000:], done.stderr[-3000:], file=sys.stderr)
            figures.append(
                failed(name, f"bench/{name}.py exited {done.returncode} without results")
            )
            continue
        try:
            figures += CONVERT[name](after)
        except (KeyError, TypeError, ValueError, ZeroDivisionError) as exc:
            figures.append(
                failed(name, f"could not read its results ({type(exc).__name__}: {exc})")
            )
        if written_to != results:  # keep every figure of this run in the one results file
            _merge(results, name, after)
    return figures


def _merge(path: Path, key: str, value: Any) -> None:
    try:
        found = json.loads(path.read_text()) if path.exists() else {}
    except ValueError:
        found = {}
    found[key] = value
    path.write_text(json.dumps(found, indent=2, default=str) + "\n")
