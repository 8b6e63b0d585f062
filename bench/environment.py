"""Where a benchmark run keeps its data: a temp folder, CHARTER_* variables, and for PostgreSQL a
database of its own (charter_bench_<pid>) that is created at the start and dropped at the end."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("CHARTER_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
UPLOAD_LIMIT_MB = 128  # the upload scenario sends 100 MB; the default limit is 50


@dataclass
class Environment:
    database: str  # "sqlite" or "postgresql"
    root: Path
    env: dict[str, str]
    pg_name: str | None = None

    @property
    def database_url(self) -> str:
        return self.env["CHARTER_DATABASE_URL"]


def _pg_parts(url: str) -> dict[str, object]:
    parts = urlsplit(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password,
    }


async def _pg_admin(statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(database="postgres", timeout=5, **_pg_parts(PG_SERVER))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def postgres_reachable() -> str | None:
    """None if the PostgreSQL server answers, else why not."""
    try:
        asyncio.run(_pg_admin("SELECT 1"))
    except Exception as exc:  # any failure means the PostgreSQL half cannot run
        return f"PostgreSQL at {PG_SERVER} not reachable ({type(exc).__name__})"
    return None


def prepare(database: str) -> Environment:
    """A fresh temp folder and database; os.environ is set so that `app` imports see them."""
    root = Path(tempfile.mkdtemp(prefix=f"charter-bench-{database}-"))
    env = {
        "CHARTER_VAR_DIR": str(root / "var"),
        "CHARTER_EVIDENCE_DIR": str(root / "var" / "evidence"),
        "CHARTER_SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef",
        "CHARTER_MAX_UPLOAD_MB": str(UPLOAD_LIMIT_MB),
        "CHARTER_BASE_URL": "http://127.0.0.1:8000",
        "CHARTER_FRAMEWORKS_DIR": str(REPO / "frameworks"),
        "PICCOLO_CONF": "app.piccolo_conf",
    }
    pg_name = None
    if database == "postgresql":
        pg_name = f"charter_bench_{os.getpid()}"
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{pg_name}"'))
        asyncio.run(_pg_admin(f'CREATE DATABASE "{pg_name}"'))
        env["CHARTER_DATABASE_URL"] = f"{PG_SERVER.rstrip('/')}/{pg_name}"
    else:
        env["CHARTER_DATABASE_URL"] = f"sqlite:///{root / 'charter.sqlite3'}"
    os.environ.update(env)
    return Environment(database, root, env, pg_name)


def clean_up(environment: Environment) -> None:
    if environment.pg_name:
        try:
            asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{environment.pg_name}" WITH (FORCE)'))
        except Exception as exc:  # leave a note rather than hide the figures already taken
            print(f"bench: could not drop {environment.pg_name}: {exc}")
    shutil.rmtree(environment.root, ignore_errors=True)
