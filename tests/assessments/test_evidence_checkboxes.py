"""The element page's own evidence checkboxes give, byte for byte, the HTML of GOV.UK's
govukCheckboxes macro as the page used to call it, for any evidence library, choice and error."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.templating import environment

# How element.html called GOV.UK's macro before it had its own (kept verbatim as the reference).
GOVUK = (
    '{% from "govuk_frontend_jinja/components/checkboxes/macro.html" import govukCheckboxes %}'
    '{% from "macros/forms.html" import field %}'
    "{% set boxes = [] %}{% for item in evidence %}"
    "{% set hint = item.filename ~ (', dated ' ~ (item.effective_on | date) "
    "if item.effective_on else '') %}"
    "{% if item.stale %}{% set hint = hint ~ '. This document is more than 2 years old: "
    "check it is still current.' %}{% endif %}"
    "{% set _ = boxes.append({'value': item.id | string, 'text': item.title, "
    "'hint': {'text': hint}, 'checked': (item.id | string) in form.evidence}) %}"
    "{% endfor %}"
    "{{ field(govukCheckboxes, errors, {'name': 'evidence', 'idPrefix': 'evidence', "
    "'fieldset': {'legend': {'text': 'Evidence for this element', "
    "'classes': 'govuk-fieldset__legend--m'}}, "
    "'hint': {'text': 'Select the documents from your evidence library that show you meet "
    "this element.'}, 'items': boxes}) }}"
)
OURS = (
    '{% from "assessments/_evidence_checkboxes.html" import evidenceCheckboxes %}'
    "{{ evidenceCheckboxes(evidence, form.evidence, errors.get('evidence')) }}"
)

_text = st.text(min_size=1, max_size=40).filter(lambda s: s.strip() != "")
_item = st.fixed_dictionaries(
    {
        "id": st.uuids(),
        "title": _text,
        "filename": _text,
        "effective_on": st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)),
        "stale": st.booleans(),
    }
)


def _both(evidence: list[dict[str, Any]], chosen: list[str], error: str | None) -> tuple[str, str]:
    env = environment()
    context = {
        "evidence": evidence,
        "form": {"evidence": chosen},
        "errors": {"evidence": error} if error else {},
    }
    return env.from_string(GOVUK).render(context), env.from_string(OURS).render(context)


@settings(max_examples=150, deadline=None)
@given(
    evidence=st.lists(_item, min_size=1, max_size=12, unique_by=lambda i: i["id"]),
    picks=st.lists(st.booleans(), min_size=12, max_size=12),
    strangers=st.lists(st.uuids(), max_size=2),
    error=st.none() | _text,
)
def test_the_same_html_as_govuk_checkboxes(
    evidence: list[dict[str, Any]], picks: list[bool], strangers: list[uuid.UUID], error: str | None
) -> None:
    chosen = [str(i["id"]) for i, pick in zip(evidence, picks, strict=False) if pick]
    chosen += [str(s) for s in strangers]  # ids not in the library tick nothing
    govuk, ours = _both(evidence, chosen, error)
    assert ours == govuk


def test_a_real_library_ticked_and_with_an_error() -> None:
    evidence = [
        {
            "id": uuid.uuid4(),
            "title": 'Complaints <policy> & "review"',
            "filename": "complaints.pdf",
            "effective_on": dt.date(2021, 3, 1),
            "stale": True,
        },
        {
            "id": uuid.uuid4(),
            "title": "Survey results\nwinter 2025",
            "filename": "survey.ods",
            "effective_on": None,
            "stale": False,
        },
    ]
    govuk, ours = _both(evidence, [str(evidence[1]["id"])], "Select at least one evidence item")
    assert ours == govuk
    assert "Complaints &lt;policy&gt; &amp; &#34;review&#34;" in ours
    assert f'value="{evidence[1]["id"]}" checked' in ours
    assert 'id="evidence-2-item-hint"' in ours and "govuk-form-group--error" in ours
    assert "more than 2 years old" in ours
