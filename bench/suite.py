"""One database's share of a benchmark run, in a process of its own (the app picks its database
from CHARTER_DATABASE_URL when it is imported): prepare the database, seed it, start the server,
run the scenarios, write their figures as JSON. Started by bench/run.py, not by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import io
import json
import logging
import sys
import time
import traceback
from pathlib import Path

from bench.environment import Environment, clean_up, prepare
from bench.figures import Figure, failed

SCENARIOS = ("pages", "autosave", "upload", "sign_in")  # in the order they run


async def _run(
    environment: Environment,
    scenarios: list[str],
    quick: bool,
    options: dict[str, str],
    profile_dir: Path | None,
) -> list[Figure]:
    from app import db
    from app.migrations import migrate
    from bench.context import Context
    from bench.profiling import Profiler, hottest
    from bench.seed import seed
    from bench.server import Server

    for name in ("httpx", "piccolo", "asyncio"):
        logging.getLogger(name).setLevel(logging.WARNING)
    await db.start()
    figures: list[Figure] = []
    server = Server(environment.env, environment.root / "server.log")
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # Piccolo narrates each migration
            await migrate()
        seeded = await seed()
        server.start()
        ctx = Context(environment, server, seeded, quick, options)
        for name in scenarios:
            began = time.perf_counter()
            _say(f"{environment.database}: {name} ...")
            try:
                module = importlib.import_module(f"bench.scenarios.{name}")
                if profile_dir is None:
                    figures += await module.run(ctx)
                else:
                    out = profile_dir / f"{environment.database}-{name}.txt"
                    with Profiler(server.pid, out):
                        figures += await module.run(ctx)
                    _say(hottest(out))
            except Exception as exc:  # one broken scenario must not hide the others' figures
                traceback.print_exc()
                why = f"{type(exc).__name__}: {str(exc)[:200]}"
                figures.append(failed(name, why, environment.database))
            _say(f"{environment.database}: {name} done in {time.perf_counter() - began:.1f} s")
        tracebacks = server.log().count("Traceback")
        if tracebacks:
            figures.append(
                Figure(
                    "server log",
                    "tracebacks",
                    tracebacks,
                    "count",
                    database=environment.database,
                    note=f"see {server.log_path} (kept: run with --keep)",
                )
            )
    finally:
        server.stop()
        await db.stop()
    return figures


def _say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.suite")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), required=True)
    parser.add_argument(
        "--scenarios", required=True, help="comma-separated: " + ",".join(SCENARIOS)
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder and database")
    parser.add_argument("--element-page", default="")
    parser.add_argument("--task-list-page", default="")
    parser.add_argument("--workers", default="")
    parser.add_argument("--profile", type=Path, default=None, help="folder for py-spy profiles")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    scenarios = [s for s in SCENARIOS if s in args.scenarios.split(",")]
    options = {
        "element_page": args.element_page,
        "task_list_page": args.task_list_page,
        "workers": args.workers,
    }
    environment = prepare(args.database)
    try:
        figures = asyncio.run(_run(environment, scenarios, args.quick, options, args.profile))
    finally:
        if args.keep:
            _say(
                f"kept {environment.root}"
                + (f" and database {environment.pg_name}" if environment.pg_name else "")
            )
        else:
            clean_up(environment)
    args.out.write_text(json.dumps([f.as_dict() for f in figures], default=str))


if __name__ == "__main__":
    main()
