"""`charter frameworks validate|load|list` as a person runs them."""

from pathlib import Path

from click.testing import CliRunner

from app.cli import main
from app.frameworks.tables import FrameworkVersion
from tests.factories import COMPLAINTS_FRAMEWORK, MAIN_FRAMEWORK

BAD = """format: 1
slug: Bad Slug
version: 2026.1
title: A bad file
scale: {levels: [{value: 0, label: Only}]}
awards: []
themes: []
weigth: 3
"""


def run_cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_validate_reports_every_problem_with_location_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD)
    result = run_cli("frameworks", "validate", str(bad), str(MAIN_FRAMEWORK))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert f"{bad}:2:7: " in lines[0] and "slug" in lines[0]
    assert any(line.startswith(f"{bad}:3:10: ") and "quotes" in line for line in lines)
    assert any(line.startswith(f"{bad}:8:1: unknown key 'weigth'") for line in lines)
    assert len(lines) >= 4
    assert f"{MAIN_FRAMEWORK}: ok" in result.stdout


async def test_load_is_idempotent_and_list_shows_hash() -> None:
    # The CLI runs its own event loop; drive it in a worker thread from this async test.
    import anyio

    first = await anyio.to_thread.run_sync(
        run_cli, "frameworks", "load", str(MAIN_FRAMEWORK), str(COMPLAINTS_FRAMEWORK)
    )
    assert first.exit_code == 0, first.output
    assert first.stdout.count("loaded:") == 2
    again = await anyio.to_thread.run_sync(run_cli, "frameworks", "load", str(MAIN_FRAMEWORK))
    assert again.exit_code == 0 and "unchanged:" in again.stdout
    assert await FrameworkVersion.count() == 2
    listing = await anyio.to_thread.run_sync(run_cli, "frameworks", "list")
    row = (
        await FrameworkVersion.select()
        .where(FrameworkVersion.slug == "public-service-customer-standard")
        .first()
    )
    assert (
        f"public-service-customer-standard\t2026.1\t{row['title']}\t{row['content_sha256']}"
        in listing.stdout
    )


async def test_changed_content_under_same_version_is_refused_and_nothing_stored(
    tmp_path: Path,
) -> None:
    import anyio

    await anyio.to_thread.run_sync(run_cli, "frameworks", "load", str(MAIN_FRAMEWORK))
    changed = tmp_path / "changed.yaml"
    changed.write_text(
        MAIN_FRAMEWORK.read_text().replace(
            "title: Public Service Customer Standard", "title: Changed", 1
        )
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD)
    result = await anyio.to_thread.run_sync(run_cli, "frameworks", "load", str(changed))
    assert result.exit_code == 1
    assert "bump `version`" in result.stderr and "stored sha256" in result.stderr
    # An invalid file among valid ones: nothing is stored at all.
    mixed = await anyio.to_thread.run_sync(
        run_cli, "frameworks", "load", str(COMPLAINTS_FRAMEWORK), str(bad)
    )
    assert mixed.exit_code == 1
    assert await FrameworkVersion.count() == 1
