"""`POST /api/v1/frameworks`: an administrator loads a framework file over the API."""

from __future__ import annotations

from httpx import AsyncClient

from app.audit.tables import AuditRecord
from app.frameworks.tables import FrameworkVersion
from tests.assessments.support import SMALL_FRAMEWORK
from tests.factories import bearer, make_organisation, make_user
from tests.frameworks.test_frameworks_cli import BAD


async def test_admin_loads_a_file_once_and_a_changed_one_is_refused(client: AsyncClient) -> None:
    headers = await bearer(await make_user("admin"))
    created = await client.post("/api/v1/frameworks", content=SMALL_FRAMEWORK, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["slug"] == "small-standard" and created.json()["version"] == "1.0"
    again = await client.post("/api/v1/frameworks", content=SMALL_FRAMEWORK, headers=headers)
    assert again.status_code == 200
    changed = SMALL_FRAMEWORK.replace("title: Small Standard", "title: Smaller Standard")
    refused = await client.post("/api/v1/frameworks", content=changed, headers=headers)
    assert refused.status_code == 409
    assert "already loaded with different content" in refused.json()["detail"]
    assert await FrameworkVersion.count() == 1
    assert await AuditRecord.count().where(AuditRecord.action.like("framework%")) == 1


async def test_a_bad_file_gets_every_problem_by_line_and_column(client: AsyncClient) -> None:
    headers = await bearer(await make_user("admin"))
    answer = await client.post("/api/v1/frameworks", content=BAD, headers=headers)
    assert answer.status_code == 422
    problems = answer.json()["problems"]
    assert "slug" in problems["2:7"]
    assert "unknown key 'weigth'" in problems["8:1"]
    assert await FrameworkVersion.count() == 0


async def test_only_an_administrator_loads_frameworks(client: AsyncClient) -> None:
    lead = await make_user("dept_lead", await make_organisation())
    refused = await client.post(
        "/api/v1/frameworks", content=SMALL_FRAMEWORK, headers=await bearer(lead)
    )
    assert refused.status_code == 403
    signed_out = await client.post("/api/v1/frameworks", content=SMALL_FRAMEWORK)
    assert signed_out.status_code == 401
