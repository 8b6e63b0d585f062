"""The built front-end assets: GOV.UK Frontend in step with its Jinja macros, Charter's own look."""

from __future__ import annotations

import json
import re
import subprocess
from importlib.metadata import version
from pathlib import Path

import pytest
from jinja2 import Environment, PackageLoader, PrefixLoader
from litestar import Litestar
from litestar.static_files import create_static_files_router
from litestar.testing import AsyncTestClient

from app.templating import STATIC_DIR, environment

ROOT = Path(__file__).resolve().parents[2]
GOVUK_PACKAGE = ROOT / "node_modules" / "govuk-frontend"


@pytest.fixture(scope="module")
def built() -> Path:
    """Runs the real build script (a no-op when nothing changed), as set-up does."""
    subprocess.run(
        ["bash", "scripts/build_assets.sh"], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return STATIC_DIR


def test_govuk_frontend_npm_package_and_jinja_macros_are_in_step(built: Path) -> None:
    npm_version = json.loads((GOVUK_PACKAGE / "package.json").read_text())["version"]
    assert npm_version.startswith("6.3."), npm_version
    assert version("govuk-frontend-jinja").startswith("4.1."), version("govuk-frontend-jinja")


def test_package_json_pins_exact_versions_that_the_lock_file_records() -> None:
    manifest = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    assert manifest["dependencies"] == {
        "accessible-autocomplete": "3.0.1",
        "govuk-frontend": "6.3.0",
    }
    sass = manifest["devDependencies"]["sass"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", sass), f"sass must be pinned exactly, not {sass!r}"
    assert lock["node_modules/govuk-frontend"]["version"] == "6.3.0"
    assert lock["node_modules/accessible-autocomplete"]["version"] == "3.0.1"
    assert lock["node_modules/sass"]["version"] == sass


def test_every_govuk_component_example_renders_as_with_plain_jinja(built: Path) -> None:
    """Our environment is strict about undefined names, except inside GOV.UK's macros: each
    example that GOV.UK Frontend ships must render exactly as it does with Jinja's defaults."""
    plain = Environment(
        loader=PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    ours = environment()
    rendered = 0
    for fixtures in sorted((GOVUK_PACKAGE / "dist/govuk/components").glob("*/fixtures.json")):
        data = json.loads(fixtures.read_text())
        name = data["component"]
        macro = "govuk" + "".join(part.capitalize() for part in name.split("-"))
        source = (
            f'{{% from "govuk_frontend_jinja/components/{name}/macro.html" import {macro} %}}'
            f"{{{{ {macro}(params) }}}}"
        )
        for example in data["fixtures"]:
            expected = plain.from_string(source).render(params=example["options"])
            actual = ours.from_string(source).render(params=example["options"])
            assert actual == expected, f"{name}: {example['name']}"
            rendered += 1
    assert rendered > 500


def test_stylesheet_uses_a_system_font_stack_and_no_gds_transport(built: Path) -> None:
    css = (built / "charter.css").read_text()
    assert "GDS Transport" not in css
    assert "@font-face" not in css
    assert "font-family:system-ui," in css


def test_header_is_charter_teal_not_the_govuk_brand_blue(built: Path) -> None:
    css = (built / "charter.css").read_text()
    assert "--govuk-brand-colour: #0b4f5c" in css
    header_rules = " ".join(re.findall(r"\.govuk-generic-header\{([^}]*)\}", css))
    assert "background-color:var(--govuk-brand-colour, #0b4f5c)" in header_rules
    assert "#1d70b8" not in header_rules


def test_static_folder_holds_scripts_and_our_favicon_but_no_crown(built: Path) -> None:
    frontend = (built / "govuk-frontend.min.js").read_text()
    assert "initAll" in frontend and "export{" in frontend  # an ES module
    starter = (built / "charter.js").read_text()
    assert "from './govuk-frontend.min.js'" in starter and "govuk-frontend-supported" in starter
    assert (built / "images" / "favicon.svg").read_text().startswith("<svg")
    names = {p.name for p in built.rglob("*")}
    assert not {n for n in names if "crest" in n or "govuk-icon" in n or "opengraph" in n}


def test_build_script_does_nothing_when_nothing_changed(built: Path) -> None:
    before = (built / "charter.css").stat().st_mtime_ns
    result = subprocess.run(
        ["bash", "scripts/build_assets.sh"], cwd=ROOT, check=True, capture_output=True, text=True
    )
    assert "up to date" in result.stdout
    assert (built / "charter.css").stat().st_mtime_ns == before


def test_built_output_and_node_modules_are_not_tracked_by_git(built: Path) -> None:
    ignored = subprocess.run(
        ["git", "check-ignore", "node_modules/govuk-frontend", "app/web/static/charter.css"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert ignored.stdout.split() == ["node_modules/govuk-frontend", "app/web/static/charter.css"]


async def test_assets_are_served_under_assets_with_types_browsers_accept(built: Path) -> None:
    app = Litestar([create_static_files_router(path="/assets", directories=[STATIC_DIR])])
    async with AsyncTestClient(app=app) as client:
        css = await client.get("/assets/charter.css")
        assert css.status_code == 200
        assert css.headers["content-type"].startswith("text/css")
        for script in ("govuk-frontend.min.js", "charter.js"):
            response = await client.get(f"/assets/{script}")
            assert response.status_code == 200
            # Browsers refuse a module script served under any other type.
            assert "javascript" in response.headers["content-type"]
        icon = await client.get("/assets/images/favicon.svg")
        assert icon.headers["content-type"].startswith("image/svg+xml")
