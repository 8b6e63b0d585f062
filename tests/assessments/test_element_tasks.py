"""The task list's own element rows give, byte for byte, the HTML of GOV.UK's govukTaskList macro
as the page used to call it, for any elements, states and elements to revisit."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.templating import environment

# How task_list.html called GOV.UK's macro before it had its own (kept verbatim as the reference).
GOVUK = (
    '{% from "govuk_frontend_jinja/components/task-list/macro.html" import govukTaskList %}'
    "{% for section in themes %}{% set items = [] %}{% for item in section.elements %}"
    "{% if item.state == 'completed' %}{% set status = {'text': 'Completed'} %}"
    "{% elif item.state == 'in_progress' %}"
    "{% set status = {'tag': {'text': 'In progress', 'classes': 'govuk-tag--light-blue'}} %}"
    "{% else %}{% set status = {'tag': {'text': 'Not started', 'classes': 'govuk-tag--blue'}} %}"
    "{% endif %}"
    "{% set entry = {'title': {'text': item.element.code ~ ' ' ~ item.element.statement}, "
    "'href': base ~ '/elements/' ~ item.element.code, 'status': status} %}"
    "{% if item.revisit %}{% set entry = dict(entry, hint={'text': "
    "'The assessor asked you to revisit this element'}) %}{% endif %}"
    "{% set _ = items.append(entry) %}{% endfor %}"
    "{{ govukTaskList({'idPrefix': 'theme-' ~ loop.index, 'items': items}) }}{% endfor %}"
)
OURS = (
    '{% from "assessments/_element_tasks.html" import elementTasks %}'
    "{% for section in themes %}{{ elementTasks(section.elements, base, loop.index) }}{% endfor %}"
)

_element = st.fixed_dictionaries(
    {
        "element": st.builds(
            SimpleNamespace,
            code=st.from_regex(r"[A-Z][0-9]\.[0-9]{1,2}(\.[0-9])?", fullmatch=True),
            statement=st.text(min_size=1, max_size=60),
        ),
        "state": st.sampled_from(["completed", "in_progress", "not_started", "not_applicable"]),
        "revisit": st.booleans(),
    }
)


def _both(themes: list[dict[str, Any]], base: str) -> tuple[str, str]:
    env = environment()
    context = {"themes": themes, "base": base}
    return env.from_string(GOVUK).render(context), env.from_string(OURS).render(context)


@settings(max_examples=150, deadline=None)
@given(
    themes=st.lists(
        st.fixed_dictionaries({"elements": st.lists(_element, min_size=1, max_size=8)}),
        min_size=1,
        max_size=4,
    ),
    base=st.sampled_from(["/assessments/6f1c", "/assessments/a&b"]),
)
def test_the_same_html_as_govuk_task_list(themes: list[dict[str, Any]], base: str) -> None:
    govuk, ours = _both(themes, base)
    assert ours == govuk


def test_states_links_and_revisit_hints_show() -> None:
    def row(code: str, state: str, revisit: bool = False) -> dict[str, Any]:
        statement = "Leaders <b>commit</b> & act"
        element = SimpleNamespace(code=code, statement=statement)
        return {"element": element, "state": state, "revisit": revisit}

    themes = [{"elements": [row("L1.1", "completed"), row("L1.2", "in_progress", True)]}]
    govuk, ours = _both(themes, "/assessments/abc")
    assert ours == govuk
    assert 'href="/assessments/abc/elements/L1.2"' in ours
    assert "L1.1 Leaders &lt;b&gt;commit&lt;/b&gt; &amp; act" in ours
    assert 'aria-describedby="theme-1-2-hint theme-1-2-status"' in ours
    assert "govuk-tag--light-blue" in ours and "Completed" in ours
