"""Finding evidence on the element page: a library of more than ten items gets a search box in the
same form, so finding keeps everything typed and saves nothing; the items already chosen are
always listed; a library over 500 items says so, and an item past the first 500 can be found,
linked and is then always shown."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from httpx import AsyncClient

from tests.assessments.support import make_evidence, many_evidence, small_framework
from tests.factories import (
    bearer,
    csrf_token,
    make_assessment,
    make_organisation,
    make_user,
    web_sign_in,
)

ELEMENT = "LEAD.1.1"


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def said(page: BeautifulSoup, id_: str) -> str:
    node = page.find(id=id_)
    return " ".join(node.get_text(" ").split()) if node is not None else ""


def listed(page: BeautifulSoup) -> dict[str, bool]:
    """Each evidence checkbox's label, and whether it is ticked."""
    boxes = page.select("input[name=evidence]")
    return {
        " ".join(page.find("label", attrs={"for": b["id"]}).get_text().split()): b.has_attr(
            "checked"
        )
        for b in boxes
    }


async def setting_up(client: AsyncClient, titles: list[str]) -> dict[str, Any]:
    org = await make_organisation(name="Department for Finding")
    user = await make_user("dept_lead", org)
    items = {t: await make_evidence(org, user, title=t) for t in titles}
    assessment = await make_assessment(org, "draft", framework_version=await small_framework())
    await web_sign_in(client, user)
    base = f"/assessments/{assessment['id']}"
    return {"org": org, "user": user, "items": items, "base": base, "id": assessment["id"]}


async def post(client: AsyncClient, path: str, data: dict[str, Any]) -> Any:
    return await client.post(path, data={**data, "_csrf_token": await csrf_token(client)})


async def test_a_small_library_has_no_search_box(client: AsyncClient) -> None:
    case = await setting_up(client, [f"Minutes {n}" for n in range(10)])
    page = soup(await client.get(f"{case['base']}/elements/{ELEMENT}"))
    assert page.find("input", attrs={"name": "evidence_search"}) is None
    assert len(listed(page)) == 10


async def test_finding_narrows_the_list_keeps_what_was_typed_and_saves_nothing(
    client: AsyncClient,
) -> None:
    titles = [f"Board minutes {n}" for n in range(10)] + ["Customer survey", "Survey of staff"]
    case = await setting_up(client, titles)
    base, items = case["base"], case["items"]
    path = f"{base}/elements/{ELEMENT}"
    page = soup(await client.get(f"{base}/elements/{ELEMENT}"))
    box = page.find("input", attrs={"name": "evidence_search"})
    assert box is not None and box["type"] == "search"
    assert page.find("label", attrs={"for": "evidence_search"}).get_text(strip=True) == (
        "Find evidence in your library"
    )
    # The search button comes first, so Enter in the search box finds rather than saves.
    buttons = [b["value"] for b in page.select("main form button[name=action]")]
    assert buttons == ["find", "continue", "upload"]
    assert len(listed(page)) == 12

    chosen = str(items["Board minutes 3"]["id"])
    typed = {
        "score": "2",
        "narrative": "Our board adopted the vision in March.",
        "evidence": chosen,
        "revision": "0",
        "evidence_search": "SURVEY",
        "action": "find",
    }
    response = await post(client, f"{base}/elements/{ELEMENT}", typed)
    assert response.status_code == 200
    page = soup(response)
    assert listed(page) == {
        "Customer survey": False,
        "Survey of staff": False,
        "Board minutes 3": True,
    }
    assert said(page, "evidence-found") == (
        "2 documents match “survey”. The documents already chosen are listed too. "
        "Nothing has been saved yet: choose “Save and continue” when you are ready."
    )
    assert page.find("input", attrs={"name": "evidence_search"})["value"] == "SURVEY"
    assert page.find("input", attrs={"name": "score", "value": "2"}).has_attr("checked")
    narrative = page.find("textarea", attrs={"name": "narrative"}).get_text().strip()
    assert narrative == "Our board adopted the vision in March."
    assert page.find("input", attrs={"name": "revision"})["value"] == "0"
    api = await client.get(f"/api/v1{base}", headers=await bearer(case["user"]))
    responses = api.json()["responses"]
    assert responses and all(r["score"] is None and r["revision"] == 0 for r in responses)

    # Tick a found one and save: both links are kept.
    survey = str(items["Customer survey"]["id"])
    saved = await post(
        client,
        f"{base}/elements/{ELEMENT}",
        {**typed, "evidence": [chosen, survey], "action": "continue"},
    )
    assert saved.status_code == 303
    page = soup(await client.get(f"{base}/elements/{ELEMENT}"))
    ticked = {title for title, on in listed(page).items() if on}
    assert ticked == {"Board minutes 3", "Customer survey"}
    assert page.find("input", attrs={"name": "evidence_search"})["value"] == ""

    # Nothing found: the chosen ones are still listed, nothing else.
    again = {**typed, "evidence": [chosen], "revision": "1"}
    page = soup(await post(client, path, {**again, "evidence_search": "budget"}))
    assert listed(page) == {"Board minutes 3": True}
    assert said(page, "evidence-found").startswith("0 documents match “budget”.")
    # An empty search lists everything again.
    page = soup(await post(client, path, {**again, "evidence_search": ""}))
    assert len(listed(page)) == 12


async def test_another_organisations_evidence_is_never_found(client: AsyncClient) -> None:
    case = await setting_up(client, [f"Board minutes {n}" for n in range(11)])
    other = await make_organisation(name="Department Next Door")
    await make_evidence(other, await make_user("dept_lead", other), title="Secret survey")
    page = soup(
        await post(
            client,
            f"{case['base']}/elements/{ELEMENT}",
            {
                "revision": "0",
                "evidence_search": "survey",
                "action": "find",
            },
        )
    )
    assert listed(page) == {}
    assert "Secret survey" not in page.get_text()


async def test_a_search_too_long_is_named_and_what_was_typed_kept(client: AsyncClient) -> None:
    case = await setting_up(client, [f"Board minutes {n}" for n in range(11)])
    response = await post(
        client,
        f"{case['base']}/elements/{ELEMENT}",
        {
            "narrative": "Half written",
            "revision": "0",
            "evidence_search": "z" * 201,
            "action": "find",
        },
    )
    assert response.status_code == 400
    page = soup(response)
    link = page.select_one(".govuk-error-summary__list a")
    assert link["href"] == "#evidence_search"
    assert link.get_text(strip=True) == "Search for 200 characters or fewer"
    assert page.find("textarea", attrs={"name": "narrative"}).get_text().strip() == "Half written"
    assert len(listed(page)) == 11
    assert "Nothing has been saved yet" not in said(page, "evidence-found")


async def test_a_library_over_500_says_so_and_the_rest_can_be_found_and_linked(
    client: AsyncClient,
) -> None:
    case = await setting_up(client, [])
    org, user, base = case["org"], case["user"], case["base"]
    await many_evidence(org, user, 505)
    page = soup(await client.get(f"{base}/elements/{ELEMENT}"))
    titles = list(listed(page))
    assert len(titles) == 500 and titles[0] == "Letter 000" and titles[-1] == "Letter 499"
    assert said(page, "evidence-found") == (
        "The first 500 documents by title are listed: find evidence to see the others."
    )

    page = soup(
        await post(
            client,
            f"{base}/elements/{ELEMENT}",
            {
                "revision": "0",
                "evidence_search": "letter",
                "action": "find",
            },
        )
    )
    assert said(page, "evidence-found").startswith(
        "More than 500 documents match “letter”: the first 500 by title are listed."
    )
    page = soup(
        await post(
            client,
            f"{base}/elements/{ELEMENT}",
            {
                "revision": "0",
                "evidence_search": "letter 503",
                "action": "find",
            },
        )
    )
    assert listed(page) == {"Letter 503": False}
    value = page.find("input", attrs={"name": "evidence"})["value"]
    saved = await post(
        client,
        f"{base}/elements/{ELEMENT}",
        {
            "score": "1",
            "revision": "0",
            "evidence": value,
            "action": "continue",
        },
    )
    assert saved.status_code == 303
    page = soup(await client.get(f"{base}/elements/{ELEMENT}"))
    shown = listed(page)
    assert len(shown) == 501 and shown["Letter 503"] is True
