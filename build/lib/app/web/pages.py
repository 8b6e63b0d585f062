"""The home page: what Charter is when signed out, where to go next when signed in."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Redirect, Template

from app.accounts.roles import ROLE_LABELS, Role

# Where each role's work starts; the home page sends signed-in people straight there.
LANDING = {
    Role.DEPT_LEAD: "/assessments",
    Role.DEPT_CONTRIBUTOR: "/assessments",
    Role.ASSESSOR: "/moderation/assigned",
    Role.LEAD_ASSESSOR: "/moderation/queue",
    Role.PUBLISHER: "/league-tables",
    Role.ADMIN: "/admin/users",
}


@get("/", include_in_schema=False)
async def home(request: Request[Any, Any, Any]) -> Template | Redirect:
    user = request.scope.get("user")
    if user is not None:
        return Redirect(LANDING[Role(user.role)])
    return Template("web/home.html", context={"roles": ROLE_LABELS})
