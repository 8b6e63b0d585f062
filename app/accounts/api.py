"""JSON API: sign in, sign out, API tokens, users."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, post
from litestar.exceptions import NotAuthorizedException
from litestar.params import JSONBody

from app.accounts import service, sign_in
from app.accounts.auth import current_actor, require_user
from app.accounts.policy import is_admin
from app.errors import Forbidden


class LoginBody(msgspec.Struct):
    email: str
    password: str


class TokenBody(msgspec.Struct):
    name: str = "API token"


class UserBody(msgspec.Struct):
    email: str
    name: str
    role: str
    password: str
    organisation: str | None = None


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]

    @post("/login", status_code=200, exclude_from_csrf=True)
    async def login(self, request: Request[Any, Any, Any], data: JSONBody[LoginBody]) -> dict[str, Any]:
        actor = await sign_in.sign_in(request, data.email, data.password)
        if actor is None:
            raise NotAuthorizedException("Email or password is incorrect")
        return {"user": sign_in.actor_dict(actor)}

    @post("/logout", status_code=200, guards=[require_user])
    async def logout(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        sign_in.sign_out(request)
        return {"signed_out": True}

    @post("/tokens", status_code=201, guards=[require_user])
    async def create_token(self, request: Request[Any, Any, Any], data: JSONBody[TokenBody]) -> dict[str, Any]:
        actor = current_actor(request)
        return await service.create_token(actor, actor.email, data.name)


class UsersController(Controller):
    path = "/api/v1/users"
    tags = ["users"]
    guards = [require_user]

    @post("/", status_code=201)
    async def create(self, request: Request[Any, Any, Any], data: JSONBody[UserBody]) -> dict[str, Any]:
        actor = current_actor(request)
        if not is_admin(actor):
            raise Forbidden("Only an administrator can create users")
        return await service.create_user(
            actor, data.email, data.name, data.role, data.password, data.organisation
        )
