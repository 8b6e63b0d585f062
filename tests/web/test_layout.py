"""The base layout every page extends, as a person (and a screen reader) meets it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from bs4 import BeautifulSoup
from litestar import Litestar, Request, get
from litestar.config.csrf import CSRFConfig
from litestar.params import FromPath
from litestar.response import Template
from litestar.testing import AsyncTestClient

from app.templating import template_config

SUFFIX = " \N{EN DASH} Charter"  # GOV.UK's title pattern: page name, en dash, service

PAGE = """{% extends "base.html" %}
{% block pageTitle %}Your assessments{% endblock %}
{% block beforeContent %}<a href="/back" class="govuk-back-link">Back</a>{% endblock %}
{% block content %}<h1 class="govuk-heading-l">Your assessments</h1>{% endblock %}
"""

FORM_PAGE = """{% extends "base.html" %}
{% from "macros/forms.html" import errorSummary, field %}
{% from "govuk_frontend_jinja/components/input/macro.html" import govukInput %}
{% block pageTitle %}Add a user{% endblock %}
{% block content %}
{{ errorSummary(errors) }}
{{ field(govukInput, errors, {'id': 'email', 'name': 'email', 'label': {'text': 'Email'},
                              'value': values.email}) }}
{{ field(govukInput, errors, {'id': 'name', 'name': 'name', 'label': {'text': 'Name'},
                              'value': values.name}) }}
{% endblock %}
"""


@dataclass(frozen=True)
class Person:
    name: str


@get("/page")
async def page(request: Request[Any, Any, Any]) -> Template:
    context: dict[str, Any] = {}
    if "signed-in" in request.query_params:
        context["current_user"] = Person(name="Ada Lovelace")
    if "nav" in request.query_params:
        context["nav_items"] = [
            {"href": "/page", "text": "Assessments"},
            {"href": "/frameworks", "text": "Frameworks"},
        ]
    return Template(template_str=PAGE, context=context)


@get("/form")
async def form() -> Template:
    errors = {"email": "Enter an email address, like name@example.gov.uk"}
    values = {"email": "not-an-email", "name": "Ada"}
    return Template(template_str=FORM_PAGE, context={"errors": errors, "values": values})


@get("/errors/{status:int}")
async def error_page(status: FromPath[int]) -> Template:
    return Template(
        template_name=f"errors/{status}.html",
        context={"message": "The assessment is submitted: it can be assigned.", "status": status},
        status_code=status,
    )


@pytest.fixture(scope="module")
async def client() -> AsyncIterator[AsyncTestClient[Litestar]]:
    app = Litestar(
        [page, form, error_page],
        template_config=template_config(),
        csrf_config=CSRFConfig(secret="layout-test-secret"),
    )
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


async def soup_of(client: AsyncTestClient[Litestar], path: str) -> BeautifulSoup:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


async def test_title_is_page_name_then_charter(client: AsyncTestClient[Litestar]) -> None:
    soup = await soup_of(client, "/page")
    assert soup.title is not None
    assert soup.title.get_text() == "Your assessments" + SUFFIX


async def test_skip_link_leads_to_main_content(client: AsyncTestClient[Litestar]) -> None:
    soup = await soup_of(client, "/page")
    skip = soup.body.find("a") if soup.body else None
    assert skip is not None and "govuk-skip-link" in skip["class"]
    assert skip["href"] == "#main-content"
    assert skip.get_text(strip=True) == "Skip to main content"
    assert soup.find("main", id="main-content") is not None


async def test_header_shows_charter_as_text_linking_home(client: AsyncTestClient[Litestar]) -> None:
    soup = await soup_of(client, "/page")
    header = soup.find("header")
    assert header is not None
    home = header.find("a", class_="govuk-generic-header__homepage-link")
    assert home is not None and home["href"] == "/"
    assert home.get_text(strip=True) == "Charter"  # its accessible name
    assert home.find(["svg", "img"]) is None


async def test_page_carries_no_govuk_branding(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/page?signed-in&nav")
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.find("svg") is None  # no crown, no OGL logo
    assert "GOV.UK" not in soup.get_text()
    assert "Crown copyright" not in soup.get_text()
    assert "govuk-logo" not in response.text and "govuk-header" not in response.text
    footer = soup.find("footer")
    assert footer is not None
    links = {a.get_text(strip=True): a["href"] for a in footer.find_all("a")}
    assert links == {"Check a certificate": "/verify", "API reference": "/schema"}


async def test_no_inline_script_or_style(client: AsyncTestClient[Litestar]) -> None:
    soup = await soup_of(client, "/page?signed-in&nav")
    scripts = soup.find_all("script")
    assert [s["src"] for s in scripts] == ["/assets/govuk-frontend.min.js", "/assets/charter.js"]
    assert all(s.get("type") == "module" and not s.get_text(strip=True) for s in scripts)
    assert soup.find("style") is None
    assert soup.find(style=True) is None
    assert soup.find(lambda tag: any(a.startswith("on") for a in tag.attrs)) is None


async def test_stylesheet_and_favicon_are_linked(client: AsyncTestClient[Litestar]) -> None:
    soup = await soup_of(client, "/page")
    stylesheet = soup.find("link", rel="stylesheet")
    assert stylesheet is not None and stylesheet["href"] == "/assets/charter.css"
    icon = soup.find("link", rel="icon")
    assert icon is not None and icon["href"] == "/assets/images/favicon.svg"


async def test_back_link_sits_before_main_content(client: AsyncTestClient[Litestar]) -> None:
    soup = await soup_of(client, "/page")
    back = soup.find("a", class_="govuk-back-link")
    assert back is not None and back.find_parent("main") is None
    assert back.find_next("main") is not None


async def test_signed_in_user_sees_their_name_and_a_sign_out_form(
    client: AsyncTestClient[Litestar],
) -> None:
    soup = await soup_of(client, "/page?signed-in")
    navigation = soup.find(class_="govuk-service-navigation")
    assert navigation is not None
    assert "Ada Lovelace" in navigation.get_text()
    sign_out = navigation.find("form")
    assert sign_out is not None
    assert sign_out["method"] == "post" and sign_out["action"] == "/sign-out"
    token = sign_out.find("input", attrs={"name": "_csrf_token"})
    assert token is not None and token["type"] == "hidden" and token["value"]
    assert sign_out.find("button").get_text(strip=True) == "Sign out"


async def test_signed_out_page_has_no_sign_out(client: AsyncTestClient[Litestar]) -> None:
    soup = await soup_of(client, "/page")
    assert "Sign out" not in soup.get_text()
    assert soup.find("form", class_="charter-sign-out") is None
    public_links = [a["href"] for a in soup.select(".govuk-service-navigation__list a")]
    assert public_links == ["/league-tables", "/verify"]


async def test_nav_items_appear_with_the_current_page_marked(
    client: AsyncTestClient[Litestar],
) -> None:
    soup = await soup_of(client, "/page?nav")
    links = soup.select(".govuk-service-navigation__list a")
    assert [(a["href"], a.get_text(strip=True)) for a in links] == [
        ("/page", "Assessments"),
        ("/frameworks", "Frameworks"),
    ]
    assert links[0].get("aria-current") == "page"
    assert links[1].get("aria-current") is None


async def test_form_errors_feed_the_summary_and_the_field(
    client: AsyncTestClient[Litestar],
) -> None:
    soup = await soup_of(client, "/form")
    assert soup.title is not None
    assert soup.title.get_text() == "Error: Add a user" + SUFFIX
    summary = soup.find(class_="govuk-error-summary")
    assert summary is not None
    assert summary.find("h2").get_text(strip=True) == "There is a problem"
    [link] = summary.select(".govuk-error-summary__list a")
    assert link["href"] == "#email"
    assert link.get_text(strip=True) == "Enter an email address, like name@example.gov.uk"
    email = soup.find("input", id="email")
    assert email["value"] == "not-an-email"  # what was typed is kept
    assert "govuk-input--error" in email["class"]
    message = soup.find(id="email-error")
    assert message is not None and "Enter an email address" in message.get_text()
    assert soup.find("input", id="name").find_parent(class_="govuk-form-group--error") is None


@pytest.mark.parametrize(
    ("status", "heading"),
    [
        (400, "There is a problem with your request"),
        (403, "You cannot do this"),
        (404, "Page not found"),
        (409, "This cannot be done now"),
        (500, "Sorry, there is a problem with the service"),
    ],
)
async def test_error_pages_say_what_happened(
    client: AsyncTestClient[Litestar], status: int, heading: str
) -> None:
    response = await client.get(f"/errors/{status}")
    assert response.status_code == status
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.title is not None and soup.title.get_text() == heading + SUFFIX
    assert soup.find("h1").get_text(strip=True) == heading
    shows_message = "The assessment is submitted" in soup.get_text()
    assert shows_message == (status in (400, 403, 409))
