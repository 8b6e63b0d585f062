"""/schema: the API's reference page, read from the OpenAPI document, in the GOV.UK layout and
under the same strict Content-Security-Policy as every page (no viewer script from a CDN)."""

from __future__ import annotations

import yaml
from bs4 import BeautifulSoup
from httpx import AsyncClient

from app.web.security_headers import CSP
from tests.factories import bearer, make_user

METHODS = ("get", "post", "put", "patch", "delete")


async def test_the_reference_lists_every_operation_of_the_document(client: AsyncClient) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    page = await client.get("/schema")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == CSP
    html = BeautifulSoup(page.text, "html.parser")
    assert html.title is not None and html.title.text.startswith("API reference")
    scripts = [s["src"] for s in html.find_all("script")]
    assert scripts and all(src.startswith("/assets/") for src in scripts), scripts
    assert not [s for s in html.find_all("script") if s.string and s.string.strip()], "inline"

    listed = {h.text.strip(): h.find_parent("section") for h in html.select("section h3")}
    wanted = {
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in METHODS
        if method in item
    }
    assert set(listed) == wanted
    for path, item in document["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            section = listed[f"{method.upper()} {path}"].text
            assert item[method]["description"] in section, (method, path)
            tag = "Sign-in needed" if item[method].get("security") else "Open to everyone"
            assert tag in section, (method, path)
            codes = [c.text for c in listed[f"{method.upper()} {path}"].select("li code")]
            assert codes == sorted(item[method]["responses"]), (method, path)


async def test_an_operation_shows_what_it_does_and_what_it_takes(client: AsyncClient) -> None:
    html = BeautifulSoup((await client.get("/schema")).text, "html.parser")
    sections = {h.text.strip(): h.find_parent("section") for h in html.select("section h3")}
    save = sections["PUT /api/v1/assessments/{assessment_id}/responses/{code}"]
    assert "Save one element's answer" in save.text  # the handler's docstring
    assert "Sign-in needed" in save.text
    names = [row.find("code").text for row in save.select("tbody tr")]
    assert names == ["assessment_id", "code"]
    assert "application/json" in save.text
    login = sections["POST /api/v1/auth/login"]
    assert "Open to everyone" in login.text


async def test_the_documents_it_links_to_are_served(client: AsyncClient) -> None:
    html = BeautifulSoup((await client.get("/schema")).text, "html.parser")
    links = [a["href"] for a in html.find_all("a") if a["href"].startswith("/schema/")]
    assert links == ["/schema/openapi.json", "/schema/openapi.yaml"]
    as_json = (await client.get(links[0])).json()
    as_yaml = yaml.safe_load((await client.get(links[1])).text)
    assert as_json["paths"].keys() == as_yaml["paths"].keys()
    assert as_json["components"]["securitySchemes"] == as_yaml["components"]["securitySchemes"]


async def test_a_signed_in_reader_gets_the_same_page_in_their_layout(client: AsyncClient) -> None:
    lead = await make_user("dept_lead")
    page = await client.get("/schema", headers=await bearer(lead))
    assert page.status_code == 200
    assert "API reference" in page.text


async def test_the_audit_filters_are_listed_and_still_checked(client: AsyncClient) -> None:
    html = BeautifulSoup((await client.get("/schema")).text, "html.parser")
    sections = {h.text.strip(): h.find_parent("section") for h in html.select("section h3")}
    names = [row.find("code").text for row in sections["GET /api/v1/audit"].select("tbody tr")]
    assert names == ["actor", "action", "object_type", "object_id", "date_from", "date_to", "page"]
    admin = await make_user("admin")
    answer = await client.get("/api/v1/audit?date_from=2026-02-30", headers=await bearer(admin))
    assert answer.status_code == 422
    assert answer.json()["problems"] == {
        "date_from": "Date from must be a real date, like 2026-11-22"
    }
