"""`charter frameworks export-oscal` and `import-oscal`: OSCAL catalogs out and back, as run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml
from trestle.oscal.catalog import Catalog

from app.frameworks.loader import load_file
from tests.factories import COMPLAINTS_FRAMEWORK, MAIN_FRAMEWORK, make_framework_version
from tests.frameworks.test_frameworks_cli import charter

TERMS = {
    "scale": {
        "levels": [
            {"value": 0, "label": "Not implemented"},
            {"value": 1, "label": "Partly implemented"},
            {"value": 2, "label": "Implemented"},
        ]
    },
    "awards": [{"code": "compliant", "label": "Compliant", "rules": {"min_overall_percent": 80}}],
}


def _terms_of(path: Path, tmp_path: Path) -> Path:
    original = yaml.safe_load(path.read_text())
    terms = tmp_path / "terms.yaml"
    terms.write_text(
        yaml.safe_dump(
            {k: original[k] for k in ("scale", "awards", "certificate") if k in original}
        )
    )
    return terms


@pytest.mark.parametrize("path", [MAIN_FRAMEWORK, COMPLAINTS_FRAMEWORK], ids=lambda p: p.stem)
async def test_shipped_framework_exports_a_valid_catalog_that_imports_back_the_same(
    path: Path, tmp_path: Path
) -> None:
    original = load_file(path).framework
    await make_framework_version(path)
    code, out, err = await charter("frameworks", "export-oscal", original.slug, original.version)
    assert code == 0, err
    exported = json.loads(out)
    catalog = Catalog.model_validate(exported["catalog"])  # the OSCAL catalog schema's models
    assert len(catalog.groups or []) == len(original.themes)
    props = {p.name: p.value for p in catalog.metadata.props or []}
    assert json.loads(props["scale"]) == msgspec.to_builtins(original.scale)
    assert json.loads(props["awards"]) == msgspec.to_builtins(original.awards)
    catalog_file = tmp_path / "catalog.json"
    catalog_file.write_text(out)
    target = tmp_path / "back.yaml"
    code, _, err = await charter(
        "frameworks", "import-oscal", str(catalog_file), "--slug", original.slug,
        "--version", original.version, "--scale", str(_terms_of(path, tmp_path)),
        "--output", str(target),
    )  # fmt: skip
    assert code == 0, err
    code, out, err = await charter("frameworks", "validate", str(target))
    assert code == 0, err
    back = load_file(target).framework
    assert msgspec.to_builtins(back) == msgspec.to_builtins(original)


def _nist_like(families: int, controls: int) -> dict[str, Any]:
    """A catalog shaped as NIST publishes SP 800-53: families, parameters, lettered statement
    items, guidance, enhancements and withdrawn controls."""
    groups = []
    for f in range(families):
        fam = f"f{f}"
        items = []
        for c in range(1, controls + 1):
            cid = f"{fam}-{c}"
            items.append(
                {
                    "id": cid,
                    "class": "SP800-53",
                    "title": f"Control {cid}",
                    "params": [{"id": f"{cid}_prm_1", "label": "organization-defined frequency"}],
                    "props": [{"name": "label", "value": cid.upper()}],
                    "parts": [
                        {
                            "id": f"{cid}_smt",
                            "name": "statement",
                            "prose": "The organization:",
                            "parts": [
                                {
                                    "id": f"{cid}_smt.a",
                                    "name": "item",
                                    "props": [{"name": "label", "value": "a."}],
                                    "prose": "Reviews the policy {{ insert: param, "
                                    + cid
                                    + "_prm_1 }}.",
                                }
                            ],
                        },
                        {"id": f"{cid}_gdn", "name": "guidance", "prose": f"Guidance for {cid}."},
                    ],
                    "controls": [
                        {
                            "id": f"{cid}.1",
                            "title": f"Enhancement {cid}.1",
                            "parts": [
                                {"id": f"{cid}.1_smt", "name": "statement", "prose": "Automate it."}
                            ],
                        },
                        {
                            "id": f"{cid}.2",
                            "title": "Withdrawn",
                            "props": [{"name": "status", "value": "withdrawn"}],
                        },
                    ],
                }
            )
        groups.append({"id": fam, "class": "family", "title": f"Family {f}", "controls": items})
    return {
        "catalog": {
            "uuid": "74c8ba1e-5cd4-4ad1-bbfd-d888e2f6c724",
            "metadata": {
                "title": "A published-style catalog",
                "last-modified": "2024-01-01T00:00:00+00:00",
                "version": "5.1",
                "oscal-version": "1.1.2",
            },
            "groups": groups,
        }
    }


async def test_a_catalog_of_hundreds_of_controls_imports_as_a_framework_that_loads(
    tmp_path: Path,
) -> None:
    catalog_file = tmp_path / "catalog.json"
    catalog_file.write_text(json.dumps(_nist_like(families=10, controls=16)))
    terms = tmp_path / "terms.yaml"
    terms.write_text(yaml.safe_dump(TERMS))
    target = tmp_path / "imported.yaml"
    code, _, err = await charter(
        "frameworks", "import-oscal", str(catalog_file), "--slug", "nist-like",
        "--version", "5.1", "--scale", str(terms), "--output", str(target),
    )  # fmt: skip
    assert code == 0, err
    framework = load_file(target).framework
    assert len(framework.themes) == 10
    assert len(framework.elements()) == 10 * 16 * 2  # each control and its live enhancement
    first = framework.element("F0.1.0")
    assert first is not None
    assert "a. Reviews the policy [organization-defined frequency]." in first.statement
    assert first.guidance == "Guidance for f0-1."
    assert framework.element("F0.1.1") is not None and framework.element("F0.1.2") is None
    code, _, err = await charter("frameworks", "load", str(target))
    assert code == 0, err


async def test_a_bad_catalog_is_refused_naming_what_is_wrong(tmp_path: Path) -> None:
    broken = _nist_like(1, 1)
    del broken["catalog"]["metadata"]
    catalog_file = tmp_path / "broken.json"
    catalog_file.write_text(json.dumps(broken))
    terms = tmp_path / "terms.yaml"
    terms.write_text(yaml.safe_dump({"scale": TERMS["scale"]}))
    args = ["--slug", "broken", "--version", "1", "--scale", str(terms)]
    code, out, err = await charter("frameworks", "import-oscal", str(catalog_file), *args)
    assert code == 1 and out == ""
    assert f"{terms}: needs `awards`" in err
    terms.write_text(yaml.safe_dump(TERMS))
    code, out, err = await charter("frameworks", "import-oscal", str(catalog_file), *args)
    assert code == 1
    assert "catalog.metadata" in err and "Traceback" not in err
    not_json = tmp_path / "catalog.json"
    not_json.write_text("<catalog/>")
    code, _, err = await charter("frameworks", "import-oscal", str(not_json), *args)
    assert code == 1 and "not a JSON file" in err
