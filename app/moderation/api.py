"""JSON API for moderation and the certification decision (contract.md), plus the queue, an
assessor's assignments and calibration."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.params import JSONBody

from app.accounts.auth import current_actor, require_user
from app.moderation import calibration, decision, service, workspace
from app.moderation.rules import ModeratedAnswer
from app.moderation.sheet import moderation_sheet


class AssignBody(msgspec.Struct):
    user: str  # the assessor's id or email address
    declaration: str | None = None  # the assessor's declaration of no conflict, if already given


class DeclarationBody(msgspec.Struct):
    declaration: str


class ModerationBody(msgspec.Struct):
    revision: int  # the revision read; 0 when the element has not been moderated yet
    score: int | None = None
    not_applicable: bool = False
    rationale: str = ""
    strength: str = ""
    improvement: str = ""


class ReturnBody(msgspec.Struct):
    reason: str
    elements: list[str] = []


class DecideBody(msgspec.Struct):
    outcome: str  # confirm | refer_back
    note: str = ""


class ModerationController(Controller):
    path = "/api/v1/assessments/{assessment_id:uuid}"
    tags = ["moderation"]
    guards = [require_user]

    @post("/assessors", status_code=200)
    async def assign(
        self, request: Request[Any, Any, Any], assessment_id: UUID, data: JSONBody[AssignBody]
    ) -> dict[str, Any]:
        """Assign or reassign the assessor (lead assessor)."""
        return await service.assign(
            current_actor(request), assessment_id, data.user, data.declaration
        )

    @post("/declaration", status_code=200)
    async def declare(
        self, request: Request[Any, Any, Any], assessment_id: UUID, data: JSONBody[DeclarationBody]
    ) -> dict[str, Any]:
        """The assigned assessor's declaration of no conflict of interest."""
        return await service.declare(current_actor(request), assessment_id, data.declaration)

    @get("/moderation")
    async def sheet(self, request: Request[Any, Any, Any], assessment_id: UUID) -> dict[str, Any]:
        """Every element: the department's answer and evidence beside the moderated answer."""
        return await moderation_sheet(current_actor(request), assessment_id)

    @put("/moderation/{code:str}", status_code=200)
    async def moderate(
        self,
        request: Request[Any, Any, Any],
        assessment_id: UUID,
        code: str,
        data: JSONBody[ModerationBody],
    ) -> dict[str, Any]:
        """The assigned assessor's score for one element; `revision` as for answers, and a
        rationale where it differs from the department's."""
        answer = ModeratedAnswer(
            score=data.score,
            not_applicable=data.not_applicable,
            rationale=data.rationale,
            strength=data.strength,
            improvement=data.improvement,
        )
        return await service.moderate(
            current_actor(request), assessment_id, code, answer, data.revision
        )

    @post("/return", status_code=200)
    async def return_assessment(
        self, request: Request[Any, Any, Any], assessment_id: UUID, data: JSONBody[ReturnBody]
    ) -> dict[str, Any]:
        """The assigned assessor sends the assessment back for more evidence, with a reason (and
        perhaps the elements concerned)."""
        return await service.return_to_department(
            current_actor(request), assessment_id, data.reason, data.elements
        )

    @post("/complete", status_code=200)
    async def complete(
        self, request: Request[Any, Any, Any], assessment_id: UUID
    ) -> dict[str, Any]:
        """The assigned assessor finishes moderation; 422 naming unmoderated elements."""
        return await service.complete(current_actor(request), assessment_id)

    @post("/decide", status_code=200)
    async def decide(
        self, request: Request[Any, Any, Any], assessment_id: UUID, data: JSONBody[DecideBody]
    ) -> dict[str, Any]:
        """A lead assessor who did not moderate it confirms (award and certificate) or refers
        the assessment back to its assessor."""
        return await decision.decide(
            current_actor(request),
            assessment_id,
            data.outcome,
            data.note,
            request.app.state.settings,
        )

    @get("/calibration")
    async def assessment_calibration(
        self, request: Request[Any, Any, Any], assessment_id: UUID
    ) -> dict[str, Any]:
        """The department's scores against the moderated ones, theme by theme."""
        return await calibration.for_assessment(current_actor(request), assessment_id)


class ModerationListsController(Controller):
    path = "/api/v1"
    tags = ["moderation"]
    guards = [require_user]

    @get("/moderation/queue")
    async def queue(self, request: Request[Any, Any, Any]) -> dict[str, list[dict[str, Any]]]:
        """Submitted assessments, oldest first; also those in review, returned and to decide."""
        return await workspace.queue(current_actor(request))

    @get("/moderation/assigned")
    async def assigned(self, request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
        """The signed-in assessor's assignments with progress."""
        return await workspace.assigned_to(current_actor(request))

    @get("/calibration/{slug:str}")
    async def framework_calibration(
        self, request: Request[Any, Any, Any], slug: str
    ) -> dict[str, Any]:
        """Every moderated or concluded assessment of the framework: departments' scores against
        moderated ones, theme by theme."""
        return await calibration.for_framework(current_actor(request), slug)
