"""The Jinja environment: where templates are found, strictness, and the display filters."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import Environment, UndefinedError
from jinja2.filters import do_indent
from markupsafe import Markup

from app.templating import build_environment, environment, indent


def test_domain_templates_are_found_under_their_own_namespace(tmp_path: Path) -> None:
    show = tmp_path / "assessments" / "templates" / "assessments" / "show.html"
    show.parent.mkdir(parents=True)
    show.write_text('{% extends "base.html" %}{% block pageTitle %}{{ title }}{% endblock %}')
    (tmp_path / "web" / "templates").mkdir(parents=True)
    (tmp_path / "web" / "templates" / "base.html").write_text(
        "<title>{% block pageTitle %}{% endblock %}</title>"
    )
    env = build_environment(tmp_path)
    assert env.get_template("assessments/show.html").render(title="Self-assessment") == (
        "<title>Self-assessment</title>"
    )


def test_govuk_macros_load_by_their_package_prefix() -> None:
    html = (
        environment()
        .from_string(
            '{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}'
            '{{ govukButton({"text": "Save and continue"}) }}'
        )
        .render()
    )
    assert 'class="govuk-button"' in html and "Save and continue" in html


def test_a_name_missing_from_a_page_fails_loudly() -> None:
    with pytest.raises(UndefinedError, match="assesment"):
        environment().from_string("<p>{{ assesment.title }}</p>").render(assessment={})


def test_a_missing_key_used_in_a_condition_fails_loudly() -> None:
    with pytest.raises(UndefinedError):
        environment().from_string("{% if row.awrad %}x{% endif %}").render(row={"award": "Gold"})


def test_output_is_escaped() -> None:
    html = environment().from_string("{{ name }}").render(name="<script>alert(1)</script>")
    assert html == "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(200, 3), "66.7%"),
        (Fraction(1, 20), "0.1%"),  # 0.05 rounds half away from zero
        (Fraction(100), "100.0%"),
        (None, "—"),
    ],
)
def test_percent_filter_shows_one_decimal(value: Fraction | None, shown: str) -> None:
    assert environment().from_string("{{ value | percent }}").render(value=value) == shown


def test_date_filter_writes_dates_the_govuk_way() -> None:
    render = environment().from_string("{{ value | date }}").render
    assert render(value=date(2026, 11, 22)) == "22 November 2026"
    # Half past eleven at night UTC on 30 June is already 1 July in the UK.
    assert render(value=datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"
    assert render(value=None) == ""


def test_date_filter_reads_iso_strings_as_json_shaped_records_hold_them() -> None:
    render = environment().from_string("{{ value | date }}").render
    assert render(value="2026-12-07") == "7 December 2026"
    assert render(value="2026-06-30T23:30:00+00:00") == "1 July 2026"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (datetime(2026, 11, 22, 15, 5, tzinfo=UTC), "22 November 2026 at 3:05pm"),
        (datetime(2026, 7, 1, 8, 0, tzinfo=UTC), "1 July 2026 at 9am"),  # British Summer Time
        (datetime(2026, 11, 22, 12, 0), "22 November 2026 at midday"),
        (datetime(2026, 11, 22, 0, 0), "22 November 2026 at midnight"),
    ],
)
def test_datetime_filter_writes_uk_times_the_govuk_way(value: datetime, shown: str) -> None:
    assert environment().from_string("{{ value | datetime }}").render(value=value) == shown


@given(
    text=st.text(
        alphabet=st.sampled_from(["a", "<", "&", " ", "\n", "\r", "\t", "é"]), max_size=40
    ),
    safe=st.booleans(),
    width=st.one_of(st.integers(0, 8), st.sampled_from(["", "  ", "\t", "<i>"])),
    first=st.booleans(),
    blank=st.booleans(),
)
def test_indent_gives_what_jinjas_own_filter_gives(
    text: str, safe: bool, width: int | str, first: bool, blank: bool
) -> None:
    value = Markup(text) if safe else text  # noqa: S704 - as a template's safe output
    ours = indent(value, width, first, blank)
    theirs = do_indent(value, width, first, blank)
    assert ours == theirs
    assert isinstance(ours, Markup) == isinstance(theirs, Markup)


def test_templates_use_the_faster_indent() -> None:
    env = environment()
    assert env.filters["indent"] is indent
    rendered = env.from_string("{{ '<p>\\n</p>' | safe | indent(2) }}").render()
    assert rendered == "<p>\n  </p>"


class Options(dict):  # type: ignore[type-arg]
    """A dict subclass: may have attributes of its own, so it takes Jinja's usual way."""

    classes = "from-the-attribute"


@pytest.mark.parametrize(
    "expression",
    [
        "params.classes",  # a key
        "params.missing is undefined",  # neither key nor attribute
        "params.items is callable",  # dict's own method wins over the key, as in Jinja
        "params['items']",
        "params.get('classes')",
        "sub.classes",  # a subclass's attribute wins over its key
        "sub.text",
        "obj.real",  # not a dict at all
    ],
)
def test_attribute_reads_give_what_plain_jinja_gives(expression: str) -> None:
    values = {
        "params": {"classes": "govuk-!-margin-0", "items": [1, 2]},
        "sub": Options(classes="from-the-key", text="hello"),
        "obj": 3 + 4j,
    }
    template = "{{ " + expression + " }}"
    ours = environment().from_string(template).render(values)
    plain = Environment(autoescape=True).from_string(template).render(values)
    assert ours == plain
