"""JSON API for assessments: start, list, read, answer an element, submit (contract.md)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from app.accounts.auth import current_actor, require_user
from app.assessments import results, service, withdrawal
from app.assessments.views import AssessmentView


class StartBody(msgspec.Struct):
    organisation: str  # slug (or id)
    framework: str  # slug
    version: str | None = None  # the latest loaded version when omitted


class WithdrawBody(msgspec.Struct):
    reason: str


class ResponseBody(msgspec.Struct):
    revision: int  # the revision you read; 0 when the element has never been saved
    score: int | None = None
    not_applicable: bool = False
    narrative: str = ""  # also the justification when not applicable
    evidence: list[str] = []


def assessment_json(view: AssessmentView) -> dict[str, Any]:
    """contract.md's shape: {id, organisation, framework, version, status, self, moderated, award,
    certificate, responses}; responses cover every element in file order (revision 0 if unsaved)."""
    row = view.row
    return {
        "id": str(view.id),
        "organisation": view.organisation["slug"],
        "framework": view.framework_row["slug"],
        "version": view.framework_row["version"],
        "status": view.status,
        "self": results.for_api(row["self_result"]),
        "moderated": results.for_api(row["moderated_result"]),
        "award": row["award_code"],
        "certificate": str(view.certificate_id) if view.certificate_id else None,
        "responses": [view.response(e.code).as_dict() for e in view.framework.elements()],
    }


def summary_json(view: AssessmentView) -> dict[str, Any]:
    row = view.row
    return {
        "id": str(view.id),
        "organisation": view.organisation["slug"],
        "framework": view.framework_row["slug"],
        "version": view.framework_row["version"],
        "status": view.status,
        "award": row["award_code"],
        "elements_completed": view.completed,
        "elements_total": view.total,
    }


class AssessmentsController(Controller):
    path = "/api/v1/assessments"
    tags = ["assessments"]
    guards = [require_user]

    @post("/", status_code=201)
    async def start(
        self, request: Request[Any, Any, Any], data: JSONBody[StartBody]
    ) -> dict[str, Any]:
        """Start a draft assessment (department lead of the organisation)."""
        view = await service.start(
            current_actor(request), data.organisation, data.framework, data.version
        )
        return assessment_json(view)

    @get("/")
    async def list_assessments(
        self,
        request: Request[Any, Any, Any],
        organisation: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        framework: FromQuery[str | None] = None,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
    ) -> list[dict[str, Any]]:
        """The assessments the user may see, newest first."""
        views = await service.list_for(
            current_actor(request),
            organisation=organisation,
            status=status,
            framework=framework,
            limit=limit,
            offset=offset,
        )
        return [summary_json(v) for v in views]

    @get("/{assessment_id:uuid}")
    async def show(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> dict[str, Any]:
        """One assessment with every saved answer (404 when you may not see it)."""
        return assessment_json(await service.get(current_actor(request), assessment_id))

    @put("/{assessment_id:uuid}/responses/{code:str}")
    async def save_response(
        self,
        request: Request[Any, Any, Any],
        assessment_id: FromPath[UUID],
        code: FromPath[str],
        data: JSONBody[ResponseBody],
    ) -> dict[str, Any]:
        """Save one element's answer; 409 with the stored response when `revision` is stale."""
        saved = await service.save_response(
            current_actor(request),
            assessment_id,
            code,
            score=data.score,
            not_applicable=data.not_applicable,
            narrative=data.narrative,
            evidence_ids=data.evidence,
            revision=data.revision,
        )
        return {"revision": saved.revision}

    @post("/{assessment_id:uuid}/submit", status_code=200)
    async def submit(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> dict[str, Any]:
        """Submit for assessment (department lead); 422 listing the incomplete elements."""
        return assessment_json(await service.submit(current_actor(request), assessment_id))

    @post("/{assessment_id:uuid}/withdraw", status_code=200)
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        assessment_id: FromPath[UUID],
        data: JSONBody[WithdrawBody],
    ) -> dict[str, Any]:
        """Withdraw a draft or returned assessment (department lead), so another can be started."""
        view = await withdrawal.withdraw(current_actor(request), assessment_id, data.reason)
        return assessment_json(view)
