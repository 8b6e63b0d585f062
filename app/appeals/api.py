"""JSON API for appeals (contract.md § Appeals)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody

from app.accounts.auth import current_actor, require_user
from app.appeals import service


class AppealBody(msgspec.Struct):
    grounds: str


class AppealDecisionBody(msgspec.Struct):
    outcome: str  # upheld | dismissed
    note: str = ""


class AssessmentAppealController(Controller):
    path = "/api/v1/assessments"
    tags = ["appeals"]
    guards = [require_user]

    @post("/{assessment_id:uuid}/appeal", status_code=201)
    async def lodge(
        self,
        request: Request[Any, Any, Any],
        assessment_id: FromPath[UUID],
        data: JSONBody[AppealBody],
    ) -> dict[str, Any]:
        """Appeal a concluded assessment's decision within 30 days (its department lead)."""
        view = await service.lodge(current_actor(request), assessment_id, data.grounds)
        return view.as_dict()


class AppealsController(Controller):
    path = "/api/v1/appeals"
    tags = ["appeals"]
    guards = [require_user]

    @get("/{appeal_id:uuid}")
    async def show(
        self, request: Request[Any, Any, Any], appeal_id: FromPath[UUID]
    ) -> dict[str, Any]:
        """One appeal: the organisation, lead assessors and admins."""
        return (await service.get(current_actor(request), appeal_id)).as_dict()

    @post("/{appeal_id:uuid}/decide", status_code=200)
    async def decide(
        self,
        request: Request[Any, Any, Any],
        appeal_id: FromPath[UUID],
        data: JSONBody[AppealDecisionBody],
    ) -> dict[str, Any]:
        """Uphold or dismiss an appeal (a lead assessor who took no part in the assessment)."""
        view = await service.decide(current_actor(request), appeal_id, data.outcome, data.note)
        return view.as_dict()
