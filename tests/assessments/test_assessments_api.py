"""The assessments JSON API (contract.md): start, list, read, answer, submit, and every rule."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from httpx import AsyncClient

from app.assessments.tables import Assessment, Response, StatusChange
from app.audit.tables import AuditRecord
from tests.assessments.support import CODES, answer, make_evidence, small_framework
from tests.factories import (
    COMPLAINTS_FRAMEWORK,
    bearer,
    csrf_token,
    make_assessment,
    make_framework_version,
    make_organisation,
    make_user,
    web_sign_in,
)

API = "/api/v1/assessments"


async def department() -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    org = await make_organisation()
    lead = await make_user("dept_lead", org)
    return org, lead, await bearer(lead)


async def started(
    client: AsyncClient, org: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    response = await client.post(
        API, json={"organisation": org["slug"], "framework": "small-standard"}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def fill(
    client: AsyncClient, assessment_id: str, headers: dict[str, str], evidence: str
) -> None:
    for code in CODES:
        body = answer(narrative=f"We do {code}", evidence=[evidence] if code == "LEAD.1.1" else [])
        saved = await client.put(
            f"{API}/{assessment_id}/responses/{code}", json=body, headers=headers
        )
        assert saved.status_code == 200, saved.text


async def test_dept_lead_starts_a_draft_on_the_latest_version(client: AsyncClient) -> None:
    await small_framework("1.0")
    await small_framework("2.0")
    org, _, headers = await department()
    body = await started(client, org, headers)
    assert body["status"] == "draft"
    assert body["version"] == "2.0"
    assert body["organisation"] == org["slug"] and body["framework"] == "small-standard"


async def test_start_on_a_named_version(client: AsyncClient) -> None:
    await small_framework("1.0")
    await small_framework("2.0")
    org, _, headers = await department()
    response = await client.post(
        API,
        json={"organisation": org["slug"], "framework": "small-standard", "version": "1.0"},
        headers=headers,
    )
    assert response.status_code == 201
    assert response.json()["version"] == "1.0"


async def test_contributor_cannot_start(client: AsyncClient) -> None:
    await small_framework()
    org = await make_organisation()
    contributor = await make_user("dept_contributor", org)
    response = await client.post(
        API,
        json={"organisation": org["slug"], "framework": "small-standard"},
        headers=await bearer(contributor),
    )
    assert response.status_code == 403


async def test_dept_lead_cannot_start_for_another_organisation(client: AsyncClient) -> None:
    await small_framework()
    _, _, headers = await department()
    other = await make_organisation()
    response = await client.post(
        API, json={"organisation": other["slug"], "framework": "small-standard"}, headers=headers
    )
    assert response.status_code == 403


async def test_start_on_unknown_framework_names_the_field(client: AsyncClient) -> None:
    org, _, headers = await department()
    response = await client.post(
        API, json={"organisation": org["slug"], "framework": "no-such-thing"}, headers=headers
    )
    assert response.status_code == 422
    assert "no-such-thing" in response.json()["problems"]["framework"]


async def test_second_open_assessment_of_a_framework_conflicts(client: AsyncClient) -> None:
    await small_framework()
    org, _, headers = await department()
    await started(client, org, headers)
    again = await client.post(
        API, json={"organisation": org["slug"], "framework": "small-standard"}, headers=headers
    )
    assert again.status_code == 409
    assert "draft" in again.json()["detail"]


async def test_detail_has_exactly_the_contract_shape(client: AsyncClient) -> None:
    await small_framework()
    org, _, headers = await department()
    created = await started(client, org, headers)
    body = (await client.get(f"{API}/{created['id']}", headers=headers)).json()
    assert set(body) == {
        "id",
        "organisation",
        "framework",
        "version",
        "status",
        "self",
        "moderated",
        "award",
        "certificate",
        "responses",
    }
    assert body["self"] is None and body["moderated"] is None
    assert body["award"] is None and body["certificate"] is None
    assert [r["element"] for r in body["responses"]] == list(CODES)
    assert all(r["revision"] == 0 for r in body["responses"])


async def test_another_organisation_gets_404_for_read_and_write(client: AsyncClient) -> None:
    await small_framework()
    org, _, headers = await department()
    created = await started(client, org, headers)
    _, _, outsider = await department()
    assert (await client.get(f"{API}/{created['id']}", headers=outsider)).status_code == 404
    put = await client.put(
        f"{API}/{created['id']}/responses/LEAD.1.2", json=answer(), headers=outsider
    )
    assert put.status_code == 404
    assert (await client.post(f"{API}/{created['id']}/submit", headers=outsider)).status_code == 404
    listed = await client.get(API, headers=outsider)
    assert listed.json() == []


async def test_unknown_or_malformed_id_is_404(client: AsyncClient) -> None:
    _, _, headers = await department()
    missing = await client.get(f"{API}/6f1c2d3e-0000-4000-8000-000000000000", headers=headers)
    assert missing.status_code == 404
    assert (await client.get(f"{API}/not-an-id", headers=headers)).status_code == 404


async def test_assessor_sees_only_assessments_assigned_to_them(client: AsyncClient) -> None:
    fv = await small_framework()
    assessor = await make_user("assessor")
    org = await make_organisation()
    mine = await make_assessment(org, "in_review", framework_version=fv, assessor=assessor)
    other_org = await make_organisation()
    theirs = await make_assessment(other_org, "in_review", framework_version=fv)
    headers = await bearer(assessor)
    listed = (await client.get(API, headers=headers)).json()
    assert [a["id"] for a in listed] == [str(mine["id"])]
    assert (await client.get(f"{API}/{theirs['id']}", headers=headers)).status_code == 404
    assert (await client.get(f"{API}/{mine['id']}", headers=headers)).status_code == 200


async def test_lead_assessor_lists_everything_but_drafts(client: AsyncClient) -> None:
    fv = await small_framework()
    org = await make_organisation()
    await make_assessment(org, "draft", framework_version=fv)
    submitted = await make_assessment(await make_organisation(), "submitted", framework_version=fv)
    listed = (await client.get(API, headers=await bearer(await make_user("lead_assessor")))).json()
    assert [a["id"] for a in listed] == [str(submitted["id"])]


async def test_list_filters_by_organisation_status_and_framework(client: AsyncClient) -> None:
    small = await small_framework()
    complaints = await make_framework_version(COMPLAINTS_FRAMEWORK)
    org_a, org_b = await make_organisation(), await make_organisation()
    a_small = await make_assessment(org_a, "submitted", framework_version=small)
    await make_assessment(org_a, "draft", framework_version=complaints)
    b_small = await make_assessment(org_b, "concluded", framework_version=small)
    headers = await bearer(await make_user("admin"))

    async def ids(query: str) -> set[str]:
        response = await client.get(f"{API}?{query}", headers=headers)
        assert response.status_code == 200, response.text
        return {a["id"] for a in response.json()}

    assert await ids("framework=small-standard") == {str(a_small["id"]), str(b_small["id"])}
    assert await ids(f"organisation={org_b['slug']}") == {str(b_small["id"])}
    assert await ids("status=submitted") == {str(a_small["id"])}
    assert len(await ids("limit=1")) == 1


async def test_list_with_unknown_status_names_the_field(client: AsyncClient) -> None:
    _, _, headers = await department()
    response = await client.get(f"{API}?status=finished", headers=headers)
    assert response.status_code == 422
    assert "draft" in response.json()["problems"]["status"]


async def test_saving_a_response_returns_the_next_revision(client: AsyncClient) -> None:
    await small_framework()
    org, _, headers = await department()
    created = await started(client, org, headers)
    url = f"{API}/{created['id']}/responses/LEAD.1.2"
    first = await client.put(url, json=answer(narrative="Quarterly reviews"), headers=headers)
    assert first.status_code == 200 and first.json() == {"revision": 1}
    second = await client.put(url, json=answer(revision=1, score=1), headers=headers)
    assert second.json() == {"revision": 2}
    body = (await client.get(f"{API}/{created['id']}", headers=headers)).json()
    stored = next(r for r in body["responses"] if r["element"] == "LEAD.1.2")
    assert stored["score"] == 1 and stored["revision"] == 2 and stored["narrative"] == ""


async def test_stale_revision_returns_conflict_with_stored_answer(client: AsyncClient) -> None:
    await small_framework()
    org, _, headers = await department()
    contributor = await bearer(await make_user("dept_contributor", org))
    created = await started(client, org, headers)
    url = f"{API}/{created['id']}/responses/INS.1.1"
    assert (
        await client.put(url, json=answer(score=2, narrative="Mine first"), headers=headers)
    ).status_code == 200
    late = await client.put(url, json=answer(score=0, narrative="Theirs"), headers=contributor)
    assert late.status_code == 409
    stored = late.json()["stored"]
    assert stored == {
        "element": "INS.1.1",
        "score": 2,
        "not_applicable": False,
        "narrative": "Mine first",
        "evidence": [],
        "revision": 1,
        "changed_since_submission": False,
    }
    body = (await client.get(f"{API}/{created['id']}", headers=headers)).json()
    assert (
        next(r for r in body["responses"] if r["element"] == "INS.1.1")["narrative"] == "Mine first"
    )


async def test_bad_score_is_422_naming_the_field(client: AsyncClient) -> None:
    await small_framework()
    org, _, headers = await department()
    created = await started(client, org, headers)
    response = await client.put(
        f"{API}/{created['id']}/responses/INS.1.1", json=answer(score=7), headers=headers
    )
    assert response.status_code == 422
    assert response.json()["problems"] == {"score": "Score must be a level on the scale: 0, 1, 2"}
    assert await Response.count() == 0


async def test_not_applicable_needs_a_justification(client: AsyncClient) -> None:
    await small_framework()
    org, _, headers = await department()
    created = await started(client, org, headers)
    url = f"{API}/{created['id']}/responses/INS.1.1"
    bare = await client.put(url, json=answer(score=None, not_applicable=True), headers=headers)
    assert bare.status_code == 422
    assert "INS.1.1" in bare.json()["problems"]["narrative"]
    justified = await client.put(
        url,
        json=answer(score=None, not_applicable=True, narrative="We have no customers"),
        headers=headers,
    )
    assert justified.status_code == 200


async def test_not_applicable_is_refused_where_the_framework_forbids_it(
    client: AsyncClient,
) -> None:
    await make_framework_version(COMPLAINTS_FRAMEWORK)
    org, _, headers = await department()
    created = (
        await client.post(
            API,
            json={"organisation": org["slug"], "framework": "complaints-feedback-standard"},
            headers=headers,
        )
    ).json()
    code = created["responses"][0]["element"]
    response = await client.put(
        f"{API}/{created['id']}/responses/{code}",
        json=answer(score=None, not_applicable=True, narrative="n/a"),
        headers=headers,
    )
    assert response.status_code == 422
    assert "not_applicable" in response.json()["problems"]


async def test_evidence_of_another_organisation_is_refused(client: AsyncClient) -> None:
    await small_framework()
    org, lead, headers = await department()
    other = await make_organisation()
    foreign = await make_evidence(other, await make_user("dept_lead", other))
    created = await started(client, org, headers)
    url = f"{API}/{created['id']}/responses/LEAD.1.1"
    response = await client.put(url, json=answer(evidence=[str(foreign["id"])]), headers=headers)
    assert response.status_code == 422
    assert str(foreign["id"]) in response.json()["problems"]["evidence"]
    malformed = await client.put(url, json=answer(evidence=["../../etc/passwd"]), headers=headers)
    assert malformed.status_code == 422 and "evidence" in malformed.json()["problems"]
    own = await make_evidence(org, lead)
    linked = await client.put(url, json=answer(evidence=[str(own["id"])]), headers=headers)
    assert linked.status_code == 200


async def test_unknown_element_is_404(client: AsyncClient) -> None:
    await small_framework()
    org, _, headers = await department()
    created = await started(client, org, headers)
    response = await client.put(
        f"{API}/{created['id']}/responses/NOPE.1", json=answer(), headers=headers
    )
    assert response.status_code == 404
    assert "NOPE.1" in response.json()["detail"]


async def test_lead_assessor_may_read_but_not_answer(client: AsyncClient) -> None:
    fv = await small_framework()
    org = await make_organisation()
    assessment = await make_assessment(org, "submitted", framework_version=fv)
    headers = await bearer(await make_user("lead_assessor"))
    response = await client.put(
        f"{API}/{assessment['id']}/responses/INS.1.1", json=answer(revision=1), headers=headers
    )
    assert response.status_code == 403


async def test_contributor_cannot_submit(client: AsyncClient) -> None:
    await small_framework()
    org, lead, headers = await department()
    contributor = await bearer(await make_user("dept_contributor", org))
    created = await started(client, org, headers)
    await fill(client, created["id"], contributor, str((await make_evidence(org, lead))["id"]))
    response = await client.post(f"{API}/{created['id']}/submit", headers=contributor)
    assert response.status_code == 403
    assert "department lead" in response.json()["detail"]


async def test_submitting_an_incomplete_assessment_lists_each_element_and_why(
    client: AsyncClient,
) -> None:
    await small_framework()
    org, _, headers = await department()
    created = await started(client, org, headers)
    url = f"{API}/{created['id']}/responses"
    await client.put(f"{url}/LEAD.1.1", json=answer(), headers=headers)  # no evidence
    await client.put(
        f"{url}/LEAD.1.2", json=answer(score=None, narrative="Draft notes"), headers=headers
    )
    response = await client.post(f"{API}/{created['id']}/submit", headers=headers)
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert problems == {
        "LEAD.1.1": "Needs at least one evidence item linked to it",
        "LEAD.1.2": "Not answered: choose a level on the scale, or not applicable",
        "INS.1.1": "Not answered: choose a level on the scale, or not applicable",
    }
    assert (await client.get(f"{API}/{created['id']}", headers=headers)).json()["status"] == "draft"


async def test_submitting_a_complete_assessment_stores_the_self_result(client: AsyncClient) -> None:
    await small_framework()
    org, lead, headers = await department()
    created = await started(client, org, headers)
    await fill(client, created["id"], headers, str((await make_evidence(org, lead))["id"]))
    await client.put(
        f"{API}/{created['id']}/responses/INS.1.1",
        json=answer(revision=1, score=1, narrative="Partly"),
        headers=headers,
    )
    response = await client.post(f"{API}/{created['id']}/submit", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "submitted"
    # LEAD: both 2 of 0..2 -> 100; INS: 1 -> 50; overall (100*2 + 50*1)/3 = 83.3333
    assert body["self"] == {"overall_percent": 83.3333, "themes": {"LEAD": 100.0, "INS": 50.0}}
    row = (
        await Assessment.select()
        .where(Assessment.id == created["id"])
        .output(load_json=True)
        .first()
    )
    assert row["self_result"]["overall"] == "250/3" and row["submitted_at"] is not None
    change = await StatusChange.select().where(StatusChange.assessment == created["id"]).first()
    assert (change["from_status"], change["to_status"], change["action"]) == (
        "draft",
        "submitted",
        "submit",
    )
    audit = await AuditRecord.select().where(AuditRecord.action == "assessment.submit").first()
    assert audit["object_id"] == created["id"] and audit["actor_label"] == lead["email"]


async def test_editing_after_submission_is_409_naming_the_state(client: AsyncClient) -> None:
    fv = await small_framework()
    org, _, headers = await department()
    assessment = await make_assessment(org, "submitted", framework_version=fv)
    response = await client.put(
        f"{API}/{assessment['id']}/responses/INS.1.1", json=answer(revision=1), headers=headers
    )
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "It is submitted" in detail and "assign" in detail


async def test_submitting_twice_is_409_saying_what_is_allowed(client: AsyncClient) -> None:
    fv = await small_framework()
    org, _, headers = await department()
    assessment = await make_assessment(org, "in_review", framework_version=fv)
    response = await client.post(f"{API}/{assessment['id']}/submit", headers=headers)
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "The assessment cannot be submitted. It is in_review; from in_review the only actions "
        "allowed are: assign, return, complete."
    )
    assert response.json()["allowed"] == ["assign", "return", "complete"]


async def test_returned_assessment_marks_changes_and_can_be_resubmitted(
    client: AsyncClient,
) -> None:
    fv = await small_framework()
    org, lead, headers = await department()
    evidence = await make_evidence(org, lead)
    assessment = await make_assessment(org, "returned", framework_version=fv, default_score=1)
    response_row = (
        await Response.select()
        .where((Response.assessment == assessment["id"]) & (Response.element_code == "LEAD.1.1"))
        .first()
    )
    from app.assessments.tables import ResponseEvidence

    await ResponseEvidence(response=response_row["id"], evidence=evidence["id"]).save()
    saved = await client.put(
        f"{API}/{assessment['id']}/responses/INS.1.1",
        json=answer(revision=1, score=2, narrative="Improved"),
        headers=headers,
    )
    assert saved.status_code == 200
    body = (await client.get(f"{API}/{assessment['id']}", headers=headers)).json()
    flags = {r["element"]: r["changed_since_submission"] for r in body["responses"]}
    assert flags == {"LEAD.1.1": False, "LEAD.1.2": False, "INS.1.1": True}
    resubmitted = await client.post(f"{API}/{assessment['id']}/submit", headers=headers)
    assert (
        resubmitted.status_code == 200 and resubmitted.json()["status"] == "in_review"
    )  # back to its assessor


async def test_signed_out_is_401(client: AsyncClient) -> None:
    assert (await client.get(API)).status_code == 401


async def test_cookie_session_needs_the_csrf_header_to_save(client: AsyncClient) -> None:
    await small_framework()
    org, lead, headers = await department()
    created = await started(client, org, headers)
    await web_sign_in(client, lead)
    url = f"{API}/{created['id']}/responses/INS.1.1"
    assert (await client.put(url, json=answer())).status_code == 403
    token = await csrf_token(client)
    assert (
        await client.put(url, json=answer(), headers={"x-csrf-token": token})
    ).status_code == 200


@pytest.mark.parametrize("saved_before", [False, True], ids=["first answer", "changed answer"])
async def test_two_simultaneous_saves_of_one_revision_keep_one_and_refuse_the_other(
    client: AsyncClient, saved_before: bool
) -> None:
    await small_framework()
    org, _, headers = await department()
    contributor = await bearer(await make_user("dept_contributor", org))
    created = await started(client, org, headers)
    url = f"{API}/{created['id']}/responses/INS.1.1"
    revision = 0
    if saved_before:
        assert (await client.put(url, json=answer(score=1), headers=headers)).status_code == 200
        revision = 1
    first, second = await asyncio.gather(
        client.put(url, json=answer(revision, score=0, narrative="Lead's"), headers=headers),
        client.put(
            url, json=answer(revision, score=2, narrative="Contributor's"), headers=contributor
        ),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    kept, loser = ("Lead's", second) if first.status_code == 200 else ("Contributor's", first)
    rows = await Response.select().where(Response.element_code == "INS.1.1")
    assert len(rows) == 1 and rows[0]["revision"] == revision + 1 and rows[0]["narrative"] == kept
    assert loser.json()["stored"]["narrative"] == kept


async def test_people_saving_different_elements_at_once_all_succeed(client: AsyncClient) -> None:
    await small_framework()
    org, _, headers = await department()
    created = await started(client, org, headers)
    people = [headers] + [await bearer(await make_user("dept_contributor", org)) for _ in range(2)]
    codes = ["LEAD.1.1", "LEAD.1.2", "INS.1.1"]
    replies = await asyncio.gather(
        *(
            client.put(
                f"{API}/{created['id']}/responses/{code}",
                json=answer(score=2, narrative=f"Saved by person {n}"),
                headers=who,
            )
            for n, (who, code) in enumerate(zip(people, codes, strict=True))
        )
    )
    assert [r.status_code for r in replies] == [200, 200, 200]
    rows = await Response.select(Response.element_code, Response.narrative).where(
        Response.assessment == created["id"]
    )
    assert {r["element_code"]: r["narrative"] for r in rows} == {
        code: f"Saved by person {n}" for n, code in enumerate(codes)
    }
