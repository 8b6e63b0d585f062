"""The `charter` command: thin wrappers that call services."""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import os
import sys
from collections.abc import Awaitable
from pathlib import Path
from typing import Any, TypeVar

import click

from app.accounts.actor import SystemActor
from app.errors import DomainError

T = TypeVar("T")
CLI = SystemActor("cli")


def run(coro: Awaitable[T], *, migrated: bool = True) -> T:
    """Run one service call against the database, turning domain errors into clear messages.
    Unless `migrated` is False, a database without every migration is refused with a message
    saying to run `charter migrate`, instead of failing half way on a missing table."""

    async def wrapped() -> T:
        from app import db
        from app.migrations import require_current

        await db.start()
        try:
            if migrated:
                try:
                    await require_current()
                except BaseException:
                    if inspect.iscoroutine(coro):
                        coro.close()  # refused before it started: not "never awaited"
                    raise
            return await coro
        finally:
            await db.stop()

    try:
        return asyncio.run(wrapped())
    except DomainError as exc:
        problems = exc.extra.get("problems")
        if isinstance(problems, dict):
            for field, message in problems.items():
                click.echo(f"error: {field}: {message}", err=True)
        elif isinstance(problems, list):  # framework problems: already PATH:LINE:COLUMN: message
            for problem in problems:
                click.echo(str(problem), err=True)
        else:
            click.echo(f"error: {exc.message}", err=True)
        sys.exit(1)


@click.group()
def main() -> None:
    """Charter: customer-service accreditation and self-assessment."""


@main.command()
def migrate() -> None:
    """Apply pending database migrations."""
    from app.migrations import migrate as do_migrate

    run(do_migrate(), migrated=False)
    click.echo("Migrations applied.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@click.option(
    "--demo-if-empty",
    is_flag=True,
    help="first fill an empty database with the demo (as `charter demo --if-empty`), its links "
    "at this server's address",
)
@click.option(
    "--header-timeout",
    envvar="CHARTER_HEADER_TIMEOUT",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a request's headers may take to arrive, from their first byte.",
)
@click.option(
    "--body-timeout",
    envvar="CHARTER_BODY_TIMEOUT",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a request body may go without sending a byte.",
)
@click.option(
    "--keep-alive-timeout",
    envvar="CHARTER_KEEP_ALIVE_TIMEOUT",
    default=5,
    show_default=True,
    type=click.IntRange(min=1),
    help="Seconds an idle connection is kept open between requests.",
)
@click.option(
    "--max-connections",
    envvar="CHARTER_MAX_CONNECTIONS",
    default=500,
    show_default=True,
    type=click.IntRange(min=1),
    help="Connections (and requests in progress) at once, per worker; past it, 503.",
)
def serve(
    host: str,
    port: int,
    workers: int,
    demo_if_empty: bool,
    header_timeout: float,
    body_timeout: float,
    keep_alive_timeout: int,
    max_connections: int,
) -> None:
    """Migrate, load every framework under frameworks/, then serve the web app and the API."""
    import uvicorn

    from app.frameworks.service import load_directory
    from app.migrations import migrate as do_migrate
    from app.settings import Settings
    from app.web.server_limits import ServerLimits, protocol_class

    # Without CHARTER_BASE_URL the base address is http://HOST:PORT of this server (settings.py);
    # the workers uvicorn starts read the same, and the app accepts Host: HOST:PORT.
    os.environ["CHARTER_HOST"] = host
    os.environ["CHARTER_PORT"] = str(port)
    limits = ServerLimits(header_timeout, body_timeout, keep_alive_timeout, max_connections)
    os.environ.update(limits.to_env())  # read by each worker's connections (server_limits.py)
    settings = Settings.from_env()
    run(do_migrate(), migrated=False)
    if demo_if_empty:
        _fill_demo(if_empty=True)
    for line in run(load_directory(CLI, settings.frameworks_dir)):
        click.echo(line)
    click.echo(f"Charter is serving on http://{host}:{port}")
    if settings.base_url != f"http://{host}:{port}":
        click.echo(f"Links in certificates and emails start with {settings.base_url}")
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http=protocol_class(),
        timeout_keep_alive=limits.keep_alive_seconds,
        limit_concurrency=limits.max_connections,
        proxy_headers=False,  # the app believes them only from CHARTER_TRUSTED_PROXIES (main.py)
    )


@main.group()
def frameworks() -> None:
    """Validate, load and list assessment frameworks."""


@frameworks.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def frameworks_validate(paths: tuple[Path, ...]) -> None:
    """Check files against the framework format; print every problem as PATH:LINE:COLUMN: message."""
    from app.frameworks.loader import load_file
    from app.frameworks.problems import FrameworkInvalid

    failed = False
    for path in paths:
        try:
            loaded = load_file(path)
        except FrameworkInvalid as exc:
            failed = True
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            continue
        fw = loaded.framework
        click.echo(f"{path}: ok ({fw.slug} {fw.version}, {len(fw.elements())} elements)")
    sys.exit(1 if failed else 0)


@frameworks.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def frameworks_load(paths: tuple[Path, ...]) -> None:
    """Validate, then store each version (idempotent). Nothing is stored if any file is invalid."""
    from app.frameworks.service import load_paths

    for line in run(load_paths(CLI, list(paths))):
        click.echo(line)


@frameworks.command("export-oscal")
@click.argument("slug")
@click.argument("version")
def frameworks_export_oscal(slug: str, version: str) -> None:
    """Print a loaded framework version as an OSCAL catalog (JSON)."""
    from app.frameworks.oscal import catalog_of_version

    click.echo(run(catalog_of_version(slug, version)))


@frameworks.command("import-oscal")
@click.argument("catalog", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--slug", required=True, help="the new framework's slug")
@click.option("--version", "version", required=True, help="the new framework's version")
@click.option(
    "--scale",
    "terms",
    required=True,
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="YAML with the framework's scale and awards (and optionally certificate)",
)
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), default=None)
def frameworks_import_oscal(
    catalog: Path, slug: str, version: str, terms: Path, output: Path | None
) -> None:
    """Write a framework file from an OSCAL catalog (JSON), to PATH or standard output."""
    from app.frameworks.oscal import CatalogInvalid, framework_file_from
    from app.frameworks.problems import FrameworkInvalid

    try:
        text = framework_file_from(catalog, slug, version, terms)
    except CatalogInvalid as exc:
        for message in exc.problems:
            click.echo(message, err=True)
        sys.exit(1)
    except FrameworkInvalid as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"{output}: written from {catalog}")


@frameworks.command("list")
def frameworks_list() -> None:
    """Slug, version, title and content hash of every loaded version."""
    from app.frameworks.service import list_versions

    for row in run(list_versions()):
        click.echo(f"{row['slug']}\t{row['version']}\t{row['title']}\t{row['content_sha256']}")


@main.group()
def organisations() -> None:
    """Manage organisations."""


@organisations.command("create")
@click.option("--slug", required=True)
@click.option("--name", required=True)
@click.option("--kind", default="department", show_default=True)
@click.option("--parent", default=None, help="slug of the parent organisation")
def organisations_create(slug: str, name: str, kind: str, parent: str | None) -> None:
    from app.organisations.service import create

    org = run(create(CLI, slug, name, kind, parent))
    click.echo(f"Created organisation {org['slug']} ({org['name']})")


@organisations.command("change")
@click.option("--slug", required=True, help="the organisation to change (its slug stays)")
@click.option("--name", default=None, help="its new name")
@click.option("--kind", default=None, help="its new kind")
@click.option("--parent", default=None, help="slug of the organisation it is now part of")
@click.option("--no-parent", is_flag=True, help="it is no longer part of another organisation")
def organisations_change(
    slug: str, name: str | None, kind: str | None, parent: str | None, no_parent: bool
) -> None:
    """A new name, kind or parent (a department renamed, an agency moved): certificates already
    issued keep the name they were issued to; the audit record keeps the old details."""
    from app.organisations.service import KEEP, change

    if parent is not None and no_parent:
        raise click.UsageError("Give --parent or --no-parent, not both")
    if name is None and kind is None and parent is None and not no_parent:
        raise click.UsageError("Give --name, --kind, --parent or --no-parent")
    org = run(change(CLI, slug, name, kind, None if no_parent else (parent or KEEP)))
    part_of = f", part of {org['parent']}" if org["parent"] else ""
    click.echo(f"{org['slug']}: {org['name']} ({org['kind']}{part_of})")


@main.group()
def users() -> None:
    """Manage users."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True)
@click.option("--organisation", default=None, help="organisation slug")
@click.option(
    "--password-stdin", is_flag=True, required=True, help="read the password from standard input"
)
def users_create(
    email: str, name: str, role: str, organisation: str | None, password_stdin: bool
) -> None:
    from app.accounts.service import create_user

    password = sys.stdin.readline().rstrip("\r\n")
    user = run(create_user(CLI, email, name, role, password, organisation))
    click.echo(f"Created user {user['email']} ({user['role']})")


@users.command("set-password")
@click.option("--email", required=True)
@click.option(
    "--password-stdin", is_flag=True, required=True, help="read the password from standard input"
)
def users_set_password(email: str, password_stdin: bool) -> None:
    """A new password for someone who forgot theirs (an administrator locked out, say): the web
    pages ask them to choose their own when they next sign in."""
    from app.accounts.service import set_password, user_id_for

    password = sys.stdin.readline().rstrip("\r\n")

    async def set_it() -> dict[str, Any]:
        return await set_password(CLI, await user_id_for(email), password)

    user = run(set_it())
    click.echo(f"New password set for {user['email']}: they will choose their own at sign-in")


@users.command("end-sessions")
@click.option("--email", required=True)
def users_end_sessions(email: str) -> None:
    """Sign someone out of every browser (a lost laptop, say): their password and API tokens
    stay as they are."""
    from app.accounts.service import end_sessions, user_id_for

    async def end_them() -> dict[str, Any]:
        return await end_sessions(CLI, await user_id_for(email))

    user = run(end_them())
    click.echo(f"Every session of {user['email']} has ended: they sign in again to go on")


@users.command("reset-two-factor")
@click.option("--email", required=True)
def users_reset_two_factor(email: str) -> None:
    """Turn off someone's two-factor (an administrator who lost their phone and recovery codes,
    say): they sign in with their password and, if their role needs it, set it up again."""
    from app.accounts.service import user_id_for
    from app.accounts.two_factor import reset

    async def reset_it() -> str:
        await reset(CLI, await user_id_for(email))
        return email.strip().lower()

    who = run(reset_it())
    click.echo(f"Two-factor authentication is reset for {who}: they sign in with their password")


@users.command("change")
@click.option("--email", required=True, help="the address they sign in with now")
@click.option("--new-email", default=None, help="the address they will sign in with")
@click.option("--name", default=None, help="their new name")
def users_change(email: str, new_email: str | None, name: str | None) -> None:
    """A new name or email address for someone (a marriage, a department renamed): their
    sessions and API tokens go on; the audit record keeps the old ones."""
    from app.accounts.service import change_details, user_id_for

    if new_email is None and name is None:
        raise click.UsageError("Give --new-email, --name or both")

    async def change() -> dict[str, Any]:
        return await change_details(CLI, await user_id_for(email), new_email, name)

    user = run(change())
    click.echo(f"{user['name']} signs in with {user['email']}")


@main.group()
def tokens() -> None:
    """Manage API tokens."""


@tokens.command("create")
@click.option("--email", required=True)
@click.option("--name", default="API token", show_default=True)
def tokens_create(email: str, name: str) -> None:
    """Print a new API token once; only its hash is stored."""
    from app.accounts.service import create_token

    token: dict[str, Any] = run(create_token(CLI, email, name))
    click.echo(token["token"])


@main.command()
@click.option(
    "--if-empty", is_flag=True, help="do nothing (successfully) when the database has data already"
)
def demo(if_empty: bool) -> None:
    """Migrate, fill an empty database with a realistic demo and print who to sign in as."""
    _fill_demo(if_empty)


def _fill_demo(if_empty: bool) -> None:
    from app.demo.service import existing_data, fill
    from app.demo.summary import overview
    from app.migrations import migrate as do_migrate
    from app.migrations import pending
    from app.settings import Settings

    if run(pending(), migrated=False):  # an empty database may be a new one
        run(do_migrate(), migrated=False)
    found = run(existing_data())
    if if_empty and any(found.values()):
        click.echo(
            f"Demo not loaded: the database already has {found['organisations']} organisation(s) "
            f"and {found['users']} user(s)."
        )
        return
    for line in overview(run(fill(Settings.from_env()))):
        click.echo(line)


@main.group()
def audit() -> None:
    """Inspect the audit record."""


def _hash_option(_: click.Context, __: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().lower()
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise click.BadParameter(
            "must be the 64-character hash that `charter audit verify` printed"
        )
    return value


@audit.command("verify")
@click.option(
    "--anchor",
    metavar="HASH",
    callback=_hash_option,
    help="The last record's hash as an earlier verify printed it: the chain must still hold it.",
)
def audit_verify(anchor: str | None) -> None:
    """Recompute the hash chain and name the first broken record; print the last record's hash,
    to keep outside the database and check against later with --anchor."""
    from app.audit.service import holds, last_record, verify_chain

    checked, broken = run(verify_chain())
    if broken is not None:
        click.echo(
            f"Audit chain broken at record {broken} (after {checked} good records)", err=True
        )
        sys.exit(1)
    if anchor and not run(holds(anchor)):
        click.echo(
            f"Audit chain no longer holds the record with hash {anchor.strip()}: records were "
            "removed from its end, or the whole chain was written again",
            err=True,
        )
        sys.exit(1)
    click.echo(f"Audit chain intact: {checked} records")
    last = run(last_record())
    if last is not None:
        at = last["at"].astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        click.echo(f"Last record: {last['id']} at {at}, hash {last['hash']}")


@main.group()
def evidence() -> None:
    """Stored evidence files."""


@evidence.command("verify")
def evidence_verify() -> None:
    """Check every stored evidence file's size and SHA-256; exit 1 naming each mismatch or
    missing file."""
    from app.evidence.integrity import verify_all
    from app.evidence.storage import storage_for
    from app.settings import Settings

    checked, found = run(verify_all(storage_for(Settings.from_env())))
    for mismatch in found:
        click.echo(f"evidence {mismatch.evidence_id} ({mismatch.sha256}): {mismatch.problem}")
    if found:
        click.echo(f"{len(found)} of {checked} evidence files do not match their record", err=True)
        sys.exit(1)
    click.echo(f"All {checked} evidence files match their recorded size and SHA-256")


@main.group()
def notifications() -> None:
    """The email outbox."""


@notifications.command("send")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="YYYY-MM-DD: run the reminders as on this day (default: today)",
)
def notifications_send(today: dt.datetime | None) -> None:
    """Write the reminders now due, then send every email due (for cron; safe beside the server)."""
    from app.notifications.background import once
    from app.settings import Settings

    settings = Settings.from_env()
    done = run(once(settings, today=today.date() if today else None))
    click.echo(f"Reminders written: {done.reminders}")
    if settings.email == "none":
        click.echo("CHARTER_EMAIL is none: nothing is sent, the outbox keeps every email.")
    elif done.sent.busy:
        click.echo("Another sender is at work on this database: it sends what is due.")
    else:
        click.echo(
            f"Sent: {done.sent.sent}; to try again later: {done.sent.retrying}; "
            f"failed: {done.sent.failed}"
        )


if __name__ == "__main__":
    main()
