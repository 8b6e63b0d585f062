"""The public verification page, signed out: valid, expired, revoked (with the reason), unknown."""

from __future__ import annotations

import datetime as dt
import uuid

from bs4 import BeautifulSoup

from app.certificates.tables import Certificate
from tests.certificates.support import issued_certificate
from tests.factories import bearer, csrf_token, make_user, web_sign_in


def _page(html: str) -> tuple[str, str, str]:
    soup = BeautifulSoup(html, "html.parser")
    summary = " ".join(soup.select_one(".govuk-summary-list").get_text(" ").split())
    return soup.h1.get_text(strip=True), soup.select_one(".govuk-tag").get_text(strip=True), summary


async def test_valid_certificate_page_shows_what_it_certifies_and_nothing_internal(client) -> None:
    _org, concluded, certificate = await issued_certificate()
    response = await client.get(f"/verify/{certificate['id']}")
    assert response.status_code == 200
    heading, tag, summary = _page(response.text)
    assert heading == "This certificate is valid" and tag == "Valid"
    assert "Ministry of Examples" in summary and "Silver Service Award" not in summary
    assert concluded["award_label"] in summary and certificate["id"] in summary
    assert "Small Service Standard, version 2027.2" in summary
    assert f"/api/v1/certificates/{certificate['id']}.pdf" in response.text
    assert "%" not in response.text.split("<main", 1)[1]  # no scores
    assert "Sign out" not in response.text


async def test_expired_certificate_page_says_so(client) -> None:
    _org, _concluded, certificate = await issued_certificate()
    await Certificate.update(
        {
            Certificate.issued_on: dt.date(2020, 1, 15),
            Certificate.expires_on: dt.date(2022, 1, 15),
        }
    ).where(Certificate.id == certificate["id"])
    response = await client.get(f"/verify/{certificate['id']}")
    heading, tag, summary = _page(response.text)
    assert heading == "This certificate has expired" and tag == "Expired"
    assert "Expires on 15 January 2022" in summary
    assert (await client.get(f"/api/v1/certificates/{certificate['id']}")).json()[
        "status"
    ] == "expired"


async def test_revoked_certificate_page_gives_the_reason_but_not_who(client) -> None:
    _org, _concluded, certificate = await issued_certificate()
    lead = await make_user("lead_assessor", name="Rowan Revoker")
    await client.post(
        f"/api/v1/certificates/{certificate['id']}/revoke",
        json={"reason": "The award was made in error"},
        headers=await bearer(lead),
    )
    response = await client.get(f"/verify/{certificate['id']}")
    heading, tag, _ = _page(response.text)
    assert heading == "This certificate has been revoked" and tag == "Revoked"
    warning = (
        BeautifulSoup(response.text, "html.parser").select_one(".govuk-warning-text").get_text(" ")
    )
    assert "Reason: The award was made in error" in " ".join(warning.split())
    assert "Rowan Revoker" not in response.text and lead["email"] not in response.text
    assert ".pdf" not in response.text


async def test_unknown_certificate_page_is_not_found_and_offers_the_form(client) -> None:
    for ref in (uuid.uuid4(), "nonsense"):
        response = await client.get(f"/verify/{ref}")
        assert response.status_code == 404
        soup = BeautifulSoup(response.text, "html.parser")
        assert soup.h1.get_text(strip=True) == "Check a certificate"
        assert soup.select_one("#id-error") is not None


async def test_lead_assessor_revokes_through_the_form(client) -> None:
    _org, _concluded, certificate = await issued_certificate()
    lead = await make_user("lead_assessor")
    await web_sign_in(client, lead)
    url = f"/certificates/{certificate['id']}/revoke"
    form = await client.get(url)
    assert form.status_code == 200
    token = await csrf_token(client)
    blank = await client.post(url, data={"reason": " ", "_csrf_token": token})
    assert blank.status_code == 400
    summary = BeautifulSoup(blank.text, "html.parser").select_one(".govuk-error-summary")
    assert "Enter the reason for revoking the certificate" in summary.get_text()
    done = await client.post(url, data={"reason": "Organisation merged", "_csrf_token": token})
    assert (
        done.status_code == 303
        and done.headers["location"] == f"/certificates/{certificate['id']}?done=revoked"
    )
    assert (await client.get(f"/api/v1/certificates/{certificate['id']}")).json()[
        "status"
    ] == "revoked"


async def test_revoke_form_is_refused_to_other_roles(client) -> None:
    org, _concluded, certificate = await issued_certificate()
    await web_sign_in(client, await make_user("dept_lead", org))
    assert (await client.get(f"/certificates/{certificate['id']}/revoke")).status_code == 403
