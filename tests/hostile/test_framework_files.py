"""`charter frameworks validate` on files a hostile or careless person gives it: a YAML 1.1
number no one means (036 read as the octal 30, 1:30 as 90 in base 60, 0x24 as 36) is refused at
PATH:LINE:COLUMN instead of passing as ok, and a file that is not a framework (here a symlink to
/etc/passwd, and a YAML file of another program's) is named as such without repeating a word of
what it holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.command import charter
from tests.factories import MAIN_FRAMEWORK

LINE = 69  # `  validity_months: 36` in the shipped framework


@pytest.mark.parametrize(
    ("written", "read_as"),
    [
        ("036", "the octal number 30"),
        ("0_36", "the octal number 30"),
        ("1:30", "the base-60 number 90"),
        ("0x24", "the number 36 in another base"),
    ],
)
def test_a_yaml_11_number_is_refused_where_it_is(
    tmp_path: Path, written: str, read_as: str
) -> None:
    text = MAIN_FRAMEWORK.read_text()
    assert text.splitlines()[LINE - 1] == "  validity_months: 36"
    framework = tmp_path / "surprise.yaml"
    framework.write_text(text.replace("  validity_months: 36", f"  validity_months: {written}"))
    done = charter("frameworks", "validate", str(framework))
    assert done.returncode == 1, done.stdout
    assert "ok" not in done.stdout
    assert done.stderr.strip().splitlines() == [
        f"{framework}:{LINE}:20: 'certificate.validity_months' is {written}, which YAML reads as"
        f" {read_as}; write the number in plain digits without a leading 0 (or put it in quotes"
        " if it is text)"
    ]


def test_the_same_number_in_quotes_or_plain_is_read_as_written(tmp_path: Path) -> None:
    done = charter("frameworks", "validate", str(MAIN_FRAMEWORK))
    assert done.returncode == 0 and ": ok" in done.stdout


@pytest.mark.skipif(not Path("/etc/passwd").exists(), reason="needs /etc/passwd")
def test_a_file_that_is_not_a_framework_is_not_echoed(tmp_path: Path) -> None:
    link = tmp_path / "framework.yaml"
    link.symlink_to("/etc/passwd")
    other = tmp_path / "compose.yaml"
    other.write_text("services:\n  db:\n    password: hunter2-secret\n")
    passwd = Path("/etc/passwd").read_text()
    for path in (link, other):
        done = charter("frameworks", "validate", str(path))
        assert done.returncode == 1
        said = done.stdout + done.stderr
        assert f"{path}:1:1: this is not a framework file" in said, said
        for word in ("root", "hunter2", "services", "password", passwd[:10]):
            assert word not in said.replace(str(path), ""), said
