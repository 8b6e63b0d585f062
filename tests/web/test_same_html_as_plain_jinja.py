"""The environment's speed-ups (quicker option reads, lenient options in GOV.UK's macros without a
look up the stack, template globals subtracted in C, the indent filter) change nothing a person
sees: real pages, asked for over HTTP, are rendered again from the very same templates and
contexts by plain Jinja, and the two must be identical to the byte."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from httpx import AsyncClient
from jinja2 import Environment, Undefined
from jinja2.filters import do_indent
from litestar import Litestar

from app.templating import GovukOptionUndefined, environment
from tests.assessments.support import CODES, make_evidence
from tests.assessments.test_pages import draft, post_form
from tests.factories import make_organisation, make_user, web_sign_in


def plain_jinja() -> Environment:
    """Jinja as it comes, over the same templates, filters and globals as the app's (Jinja's own
    indent filter, the plain lenient Undefined GOV.UK's macros were written for)."""
    ours = environment()
    plain = Environment(
        loader=ours.loader,
        autoescape=True,
        undefined=Undefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    plain.filters.update(ours.filters)
    plain.filters["indent"] = do_indent
    plain.globals.update(ours.globals)
    return plain


class Recorder:
    """Wraps the app's template engine to keep every template a request renders and its context."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.rendered: list[tuple[str, dict[str, Any], str]] = []

    def get_template(self, name: str) -> Any:
        template = self.engine.get_template(name)
        recorder = self

        class Recording:
            def render(self, **context: Any) -> str:
                html = template.render(**context)
                recorder.rendered.append((name, context, html))
                return str(html)

        return Recording()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)


@contextmanager
def recording(app: Litestar) -> Iterator[Recorder]:
    recorder = Recorder(app.template_engine)
    app.template_engine = recorder  # type: ignore[assignment]
    try:
        yield recorder
    finally:
        app.template_engine = recorder.engine


def assert_same_as_plain_jinja(recorder: Recorder, at_least: int) -> None:
    plain = plain_jinja()
    assert len(recorder.rendered) >= at_least
    for name, context, html in recorder.rendered:
        assert plain.get_template(name).render(**context) == html, name


async def test_department_pages_are_what_plain_jinja_renders(
    client: AsyncClient, app: Litestar
) -> None:
    org, user, base = await draft(client)
    for n in range(3):
        await make_evidence(org, user, title=f"Complaints policy {n}")
    with recording(app) as recorder:
        for path in ("/assessments", base, f"{base}/elements/{CODES[0]}", f"{base}/check"):
            assert (await client.get(path)).status_code == 200, path
        # An element page with errors: error summary, error messages on the GOV.UK fields.
        answer = {"revision": "0", "score": "", "narrative": "x" * 20_001, "action": "continue"}
        response = await post_form(client, f"{base}/elements/{CODES[0]}", answer)
        assert response.status_code == 400
        # The evidence pages: upload (with a problem), library.
        assert (await client.get("/evidence")).status_code == 200
        assert (await client.get("/evidence/upload")).status_code == 200
    assert_same_as_plain_jinja(recorder, at_least=7)


async def test_admin_and_public_pages_are_what_plain_jinja_renders(
    client: AsyncClient, app: Litestar
) -> None:
    admin = await make_user("admin", await make_organisation(name="Charter Office"))
    await web_sign_in(client, admin)
    with recording(app) as recorder:
        for path in ("/", "/frameworks/", "/admin/users", "/admin/organisations", "/no-such-page"):
            await client.get(path)
    assert_same_as_plain_jinja(recorder, at_least=4)


def test_a_missing_option_inside_a_govuk_macro_is_the_lenient_kind() -> None:
    template = environment().from_string(
        '{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}'
        "{{ govukButton({'text': 'Go'}) }}"
    )
    assert "Go" in template.render()
    missing = GovukOptionUndefined(name="classes")
    assert not missing and str(missing) == "" and list(missing) == []
    assert missing == environment().undefined(name="other")  # the kinds compare as one, as before
