"""The framework loader: good files load, bad files get every problem with its line and column."""

from __future__ import annotations

import hashlib
import json
from fractions import Fraction
from pathlib import Path

import jsonschema
import pytest
import yaml

from app.frameworks.loader import (
    FrameworkInvalid,
    Problem,
    canonical_sha256,
    load_file,
    read_framework,
)
from app.frameworks.reading import MAX_BYTES
from app.frameworks.schema import SCHEMA_FILE, framework_json_schema

FILES = Path(__file__).parent / "files"
SHIPPED = Path(__file__).resolve().parents[2] / "frameworks"


def problems_of(name: str) -> list[str]:
    with pytest.raises(FrameworkInvalid) as caught:
        load_file(FILES / name)
    return [str(p).removeprefix(f"{FILES / name}:") for p in caught.value.problems]


def problems_in_text(text: str, path: str = "test.yaml") -> list[str]:
    with pytest.raises(FrameworkInvalid) as caught:
        read_framework(text.encode(), path)
    return [str(p).removeprefix(f"{path}:") for p in caught.value.problems]


def worked_example(**changes: object) -> str:
    data = yaml.safe_load((FILES / "worked-example.yaml").read_text())
    data.update(changes)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def test_worked_example_from_the_format_document_loads() -> None:
    framework, content, sha256 = load_file(FILES / "worked-example.yaml")

    assert (framework.slug, framework.version, framework.format) == (
        "customer-service-standard",
        "2026.1",
        1,
    )
    assert [level.label for level in framework.scale.levels][-1] == "Leading"
    assert (framework.lowest, framework.highest) == (0, 4)
    assert framework.scale.allow_not_applicable is True
    assert [a.code for a in framework.awards] == ["excellence", "accredited"]
    assert framework.awards[1].rules.max_elements_below is not None
    assert framework.awards[1].rules.max_elements_below.count == 3
    element = framework.element("LEAD.1.1")
    assert element is not None and element.mandatory and element.evidence_required
    assert framework.certificate.validity_months == 36  # the default
    assert content["effective_from"] == "2026-04-01"
    assert sha256 == canonical_sha256(content)


def test_content_hash_is_sha256_of_sorted_compact_json() -> None:
    _, content, sha256 = load_file(FILES / "worked-example.yaml")
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert sha256 == hashlib.sha256(text.encode()).hexdigest()


def test_json_twin_of_a_yaml_file_has_the_same_content_and_hash() -> None:
    from_yaml = load_file(FILES / "worked-example.yaml")
    from_json = load_file(FILES / "worked-example.json")
    assert from_json == from_yaml


def test_scale_with_gaps_not_applicable_and_fractional_weights_loads() -> None:
    framework, content, _ = load_file(FILES / "gapped-scale.yaml")

    assert [level.value for level in framework.scale.levels] == [1, 3, 5, 10]
    assert framework.scale.allow_not_applicable
    assert framework.themes[0].weight == 2.5
    assert Fraction(str(framework.themes[0].criteria[0].elements[0].weight)) == Fraction(1, 2)
    assert framework.awards[0].rules.min_element_score == 5
    assert framework.awards[1].rules.min_overall_percent == 33.3
    assert framework.certificate.review_months == 6
    assert framework.publisher is None
    assert framework.effective_from is not None and framework.effective_from.isoformat() == (
        "2027-01-15"
    )
    assert content["scale"]["levels"][2]["description"].endswith("we looked at.")


@pytest.mark.parametrize("name", sorted(p.name for p in SHIPPED.glob("*.yaml")))
def test_shipped_frameworks_load(name: str) -> None:
    framework, _, sha256 = load_file(SHIPPED / name)
    assert framework.themes and len(sha256) == 64


def test_awards_may_be_empty() -> None:
    framework, _, _ = read_framework(worked_example(awards=[]).encode(), "self-review.yaml")
    assert framework.awards == []


def test_every_problem_in_a_file_is_reported_with_line_and_column() -> None:
    assert problems_of("many-problems.yaml") == [
        "1:9: 'format' must be 1 (this is format version 1), not 2",
        "2:7: 'slug' must be lower-case letters and digits, with single hyphens between words "
        "(such as 'customer-service'); 'Customer Service' is not",
        "3:10: 'version' must be text in quotes, such as version: \"2026.10\"; without quotes it "
        "is read as the number 2026.1",
        "5:17: 'effective_from' is not a real date: '2026-02-30'",
        "10:15: scale values must increase from each level to the next; 1 comes after 2",
        "10:25: the scale label 'developing' is used twice; it is also the label at line 9, "
        "column 25",
        "15:7: unknown key 'min_overal_percent' in award excellence, rules; did you mean "
        "'min_overall_percent'?",
        "17:11: the award code 'excellence' is used twice; it is also the code of the award at "
        "line 12, column 11",
        "18:12: award excellence: 'label' must be text, not true/false; put 'yes' in quotes so it "
        "is read as text",
        "22:13: theme LEAD: 'weight' must be more than 0, not 0",
        "27:13: element LEAD.1.1: 'statement' is required",
        "28:13: unknown key 'weigth' in element LEAD.1.1; did you mean 'weight'?",
        "29:19: the code 'LEAD.1' is used twice; it is already the code of the criterion at line "
        "24, column 15",
        "31:33: element LEAD.1: 'evidence_examples[0]' must be text, not the number 1; put '1' in "
        "quotes so it is read as text",
        "31:36: element LEAD.1: 'evidence_examples[1]' must not be empty",
        "32:5: theme lead: 'title' is required",
        "32:11: theme lead: 'code' must be capital letters and digits, with dots between parts "
        "(such as 'LEAD.1.2'); 'lead' is not",
        "33:5: unknown key 'titel' in theme lead; did you mean 'title'?",
        "34:15: theme lead: 'criteria' needs at least one entry",
    ]


def test_problem_prints_as_path_line_column_message() -> None:
    assert str(Problem("a.yaml", 3, 7, "bad")) == "a.yaml:3:7: bad"
    assert str(Problem("a.yaml", None, None, "the file is empty")) == "a.yaml: the file is empty"


def test_unknown_key_without_a_close_match_lists_the_allowed_keys() -> None:
    text = worked_example(colour="blue")
    assert problems_in_text(text)[0].endswith(
        "unknown key 'colour' at the top level; the keys allowed here are awards, certificate, "
        "description, effective_from, format, publisher, scale, slug, themes, title, version"
    )


def test_criterion_without_code_is_named_by_its_place() -> None:
    text = """\
format: 1
slug: s
version: "1"
title: T
scale: {levels: [{value: 0, label: a}, {value: 1, label: b}]}
awards: []
themes:
  - code: A
    title: A
    criteria:
      - title: first
        elements: [{code: A.1.1, statement: s}]
      - {code: A.2, title: second}
"""
    assert problems_in_text(text) == [
        "11:9: themes[0].criteria[0]: 'code' is required",
        "13:9: criterion A.2: 'elements' is required",
    ]


def test_duplicate_mapping_key_is_an_error_naming_the_first() -> None:
    text = worked_example().replace("title: Customer", "title: Other\ntitle: Customer", 1)
    assert problems_in_text(text) == [
        "5:1: duplicate key 'title' (first given at line 4, column 1)"
    ]


def test_rule_scores_must_be_values_on_the_scale() -> None:
    data = yaml.safe_load((FILES / "gapped-scale.yaml").read_text())
    data["awards"][0]["rules"]["min_element_score"] = 4
    data["awards"][0]["rules"]["max_elements_below"]["score"] = 11
    text = yaml.safe_dump(data, sort_keys=False)
    assert [p.split(": ", 1)[1] for p in problems_in_text(text)] == [
        "award gold-star, rules: 'min_element_score' is 4, which is not a value on the scale "
        "(1, 3, 5, 10)",
        "award gold-star, rules.max_elements_below: 'score' is 11, which is not a value on the "
        "scale (1, 3, 5, 10)",
    ]


@pytest.mark.parametrize(
    ("effective_from", "loads"),
    [
        ("2026-04-01", True),
        ("'2026-04-01'", True),
        ("2026-04-01 10:00:00", False),
        ("1 April", False),
    ],
)
def test_effective_from_is_an_iso_date(effective_from: str, loads: bool) -> None:
    text = worked_example().replace(
        "effective_from: 2026-04-01", f"effective_from: {effective_from}"
    )
    if loads:
        _, content, _ = read_framework(text.encode(), "dated.yaml")
        assert content["effective_from"] == "2026-04-01"
    else:
        assert problems_in_text(text) == [
            "6:17: 'effective_from' must be a date written as YYYY-MM-DD, such as 2026-04-01; "
            f"'{effective_from.replace(' ', 'T') if ':' in effective_from else effective_from}'"
            " is not"
        ]


def test_format_other_than_1_is_refused() -> None:
    text = worked_example(format=2)
    assert problems_in_text(text) == ["1:9: 'format' must be 1 (this is format version 1), not 2"]


def test_aliases_are_refused_at_once_so_billion_laughs_cannot_expand() -> None:
    assert problems_of("billion-laughs.yaml") == [
        "1:4: YAML anchors and aliases (&a) are not allowed; write the content out in full"
    ]


def test_python_tags_are_refused() -> None:
    text = worked_example().replace("title: Customer Service Standard", "title: !!python/none ''")
    assert problems_in_text(text) == [
        "4:8: 'title': the YAML tag !!python/none is not allowed; remove it"
    ]


def test_binary_file_is_refused() -> None:
    assert problems_of("binary.yaml") == [" this is a binary file, not YAML or JSON text"]


def test_file_that_is_not_utf8_is_refused_at_the_bad_byte() -> None:
    assert problems_of("latin-1.yaml") == [
        "2:10: the file is not UTF-8 text (byte 0xe9); save it as UTF-8"
    ]


def test_utf16_file_is_refused() -> None:
    assert problems_of("utf-16.yaml") == [" the file is saved as UTF-16; save it as UTF-8 text"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", " the file is empty"),
        ("  \n\n", " the file is empty"),
        ("# just a comment\n", " the file is empty (it has only comments)"),
        (
            "- a\n- b\n",
            "1:1: this is not a framework file: the top level must be a mapping of keys such as"
            " format, slug and title; "
            "found a list",
        ),
        (
            "a: 1\n---\nb: 2\n",
            "2:1: a framework file holds one YAML document; remove the second '---' and after it",
        ),
    ],
)
def test_files_with_no_usable_data_say_why(text: str, problem: str) -> None:
    assert problems_in_text(text) == [problem]


def test_yaml_syntax_error_is_located() -> None:
    (problem,) = problems_in_text("title: ok\nslug: [a\n")
    assert problem.startswith("3:1: not valid YAML: ")
    assert problem.endswith("(while parsing a flow sequence at line 2)")


def test_tab_indentation_gets_a_hint() -> None:
    assert problems_of("tabs.yaml") == [
        "4:1: not valid YAML: found character that cannot start any token; YAML does not allow "
        "tab characters for indentation, use spaces"
    ]


def test_control_characters_are_refused_where_they_are() -> None:
    assert problems_in_text("format: 1\nslug: a\x07b\n") == [
        "2:8: the control character U+0007 is not allowed in a framework file"
    ]


def test_too_large_file_is_refused_before_parsing() -> None:
    with pytest.raises(FrameworkInvalid) as caught:
        read_framework(b"#" * (MAX_BYTES + 1), "huge.yaml")
    assert str(caught.value) == (
        "huge.yaml: the file is larger than 2 MB, the most a framework may be"
    )


def test_missing_file_is_a_problem_not_a_crash() -> None:
    assert problems_of("no-such-file.yaml") == [" cannot read the file: No such file or directory"]


def test_json_syntax_error_has_its_position() -> None:
    assert problems_of("broken.json") == ["5:3: not valid JSON: Expecting ',' delimiter"]


def test_json_problems_are_located_like_yaml_ones() -> None:
    assert problems_of("problems.json") == [
        "4:14: 'version' must be text in quotes, such as version: \"2\"; without quotes it is "
        "read as the number 2",
        "11:9: element A.1.1: 'statement' is required",
        "11:27: unknown key 'statment' in element A.1.1; did you mean 'statement'?",
        "15:3: duplicate key 'slug' (first given at line 3, column 3)",
    ]


def test_json_nan_is_refused() -> None:
    text = (FILES / "worked-example.json").read_text().replace('"weight": 20', '"weight": NaN')
    assert problems_in_text(text, "nan.json") == [
        "62:17: 'themes[0].weight': NaN and Infinity are not usable numbers"
    ]


def test_yaml_special_floats_are_refused() -> None:
    text = worked_example().replace("weight: 20", "weight: .inf")
    assert problems_in_text(text) == [
        "40:11: 'themes[0].weight' is not a usable number (it is infinite or not a number)"
    ]


def test_checked_in_schema_matches_the_model() -> None:
    """If this fails, run: python -m app.frameworks.loader --write-schema"""
    assert json.loads(SCHEMA_FILE.read_text()) == framework_json_schema()


def test_checked_in_schema_works_on_its_own_for_editors() -> None:
    schema = json.loads(SCHEMA_FILE.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    data = json.loads((FILES / "worked-example.json").read_text())
    assert list(validator.iter_errors(data)) == []
    data["themes"][0]["criteria"][0]["elements"][0]["weigth"] = 2
    assert [e.validator for e in validator.iter_errors(data)] == ["additionalProperties"]


CYCLE_KEYS = """
certificate:
  validity_months: 36
  review_months: 12
  review_grace_days: 45
  review_sample:
    mandatory: true
    below_score: 2
    share_of_rest_percent: 50
"""


def test_certificate_cycle_keys_load_with_defaults_when_left_out() -> None:
    from app.frameworks.loader import read_framework
    from tests.assessments.support import SMALL_FRAMEWORK

    plain = read_framework(SMALL_FRAMEWORK.encode(), "small.yaml").framework.certificate
    assert (plain.review_grace_days, plain.review_sample.share_of_rest_percent) == (30, 25)
    assert plain.review_sample.mandatory is True and plain.review_sample.below_score is None
    given = read_framework((SMALL_FRAMEWORK + CYCLE_KEYS).encode(), "small.yaml")
    terms = given.framework.certificate
    assert terms.review_grace_days == 45
    assert terms.review_sample.below_score == 2
    assert terms.review_sample.share_of_rest_percent == 50


def test_certificate_cycle_keys_are_checked() -> None:
    from app.frameworks.loader import read_framework
    from tests.assessments.support import SMALL_FRAMEWORK

    bad = (
        CYCLE_KEYS.replace("below_score: 2", "below_score: 7")
        .replace("share_of_rest_percent: 50", "share_of_rest_percent: 120")
        .replace("review_grace_days: 45", "review_grace_days: -1")
        .replace("mandatory: true", "mandatory: true\n    everything: yes")
    )
    with pytest.raises(FrameworkInvalid) as caught:
        read_framework((SMALL_FRAMEWORK + bad).encode(), "small.yaml")
    text = "\n".join(str(p) for p in caught.value.problems)
    assert "which is not a value on the scale (0, 1, 2)" in text
    assert "share_of_rest_percent" in text
    assert "review_grace_days" in text
    assert "everything" in text
