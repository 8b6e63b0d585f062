"""`charter frameworks validate|load|list` as a person runs them."""

import os
import sys
from pathlib import Path

import anyio

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


async def charter(*args: str) -> tuple[int, str, str]:
    """The real `charter` command in its own process, on the tests' database."""
    result = await anyio.run_process(
        [sys.executable, "-m", "app.cli", *args], check=False, env=dict(os.environ)
    )
    return result.returncode, result.stdout.decode(), result.stderr.decode()


async def test_validate_reports_every_problem_with_location_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD)
    code, out, err = await charter("frameworks", "validate", str(bad), str(MAIN_FRAMEWORK))
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[0].startswith(f"{bad}:2:7: ") and "slug" in lines[0]
    assert any(line.startswith(f"{bad}:3:10: ") and "quotes" in line for line in lines)
    assert any(line.startswith(f"{bad}:8:1: unknown key 'weigth'") for line in lines)
    assert len(lines) >= 4
    assert f"{MAIN_FRAMEWORK}: ok" in out


async def test_load_is_idempotent_and_list_shows_hash() -> None:
    code, out, err = await charter(
        "frameworks", "load", str(MAIN_FRAMEWORK), str(COMPLAINTS_FRAMEWORK)
    )
    assert code == 0, err
    assert out.count("loaded:") == 2
    code, out, _ = await charter("frameworks", "load", str(MAIN_FRAMEWORK))
    assert code == 0 and "unchanged:" in out
    assert await FrameworkVersion.count() == 2
    _, listing, _ = await charter("frameworks", "list")
    row = (
        await FrameworkVersion.select()
        .where(FrameworkVersion.slug == "public-service-customer-standard")
        .first()
    )
    expected = f"public-service-customer-standard\t2026.1\t{row['title']}\t{row['content_sha256']}"
    assert expected in listing


async def test_changed_content_under_same_version_is_refused_and_nothing_stored(
    tmp_path: Path,
) -> None:
    await charter("frameworks", "load", str(MAIN_FRAMEWORK))
    changed = tmp_path / "changed.yaml"
    changed.write_text(
        MAIN_FRAMEWORK.read_text().replace(
            "title: Public Service Customer Standard", "title: Changed", 1
        )
    )
    code, _, err = await charter("frameworks", "load", str(changed))
    assert code == 1
    assert "bump `version`" in err and "stored sha256" in err
    # An invalid file among valid ones: nothing is stored at all.
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD)
    code, _, err = await charter("frameworks", "load", str(COMPLAINTS_FRAMEWORK), str(bad))
    assert code == 1
    assert f"{bad}:2:7: " in err
    assert await FrameworkVersion.count() == 1
