"""The accounts pages' forms: parse what was posted; validate() -> {field: message} for what
the page itself must ask for (services check the rules and raise Invalid with the same fields)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def _text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _secret(form: Mapping[str, Any], name: str) -> str:
    """Passwords are taken exactly as typed: spaces are part of a passphrase."""
    value = form.get(name)
    return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class SignInForm:
    email: str = ""
    password: str = ""
    next: str = ""

    @classmethod
    def parse(cls, form: Mapping[str, Any]) -> SignInForm:
        return cls(_text(form, "email"), _secret(form, "password"), _text(form, "next"))

    def validate(self) -> dict[str, str]:
        problems = {}
        if not self.email:
            problems["email"] = "Enter your email address"
        if not self.password:
            problems["password"] = "Enter your password"  # noqa: S105
        return problems


@dataclass(frozen=True)
class CodeForm:
    """A code from an authenticator app, or a recovery code."""

    code: str = ""

    @classmethod
    def parse(cls, form: Mapping[str, Any]) -> CodeForm:
        return cls(_text(form, "code")[:100])


@dataclass(frozen=True)
class TokenForm:
    name: str = ""

    @classmethod
    def parse(cls, form: Mapping[str, Any]) -> TokenForm:
        return cls(_text(form, "name"))

    def validate(self) -> dict[str, str]:
        if not self.name:
            return {
                "name": "Enter a name for the token, like the script or service that will use it"
            }
        if len(self.name) > 100:
            return {"name": "Token name must be 100 characters or fewer"}
        return {}


@dataclass(frozen=True)
class PasswordForm:
    current_password: str = ""
    new_password: str = ""

    @classmethod
    def parse(cls, form: Mapping[str, Any]) -> PasswordForm:
        return cls(_secret(form, "current_password"), _secret(form, "new_password"))


@dataclass(frozen=True)
class UserForm:
    email: str = ""
    name: str = ""
    role: str = ""
    organisation: str = ""
    password: str = ""

    @classmethod
    def parse(cls, form: Mapping[str, Any]) -> UserForm:
        return cls(
            _text(form, "email"),
            _text(form, "name"),
            _text(form, "role"),
            _text(form, "organisation"),
            _secret(form, "password"),
        )

    def validate(self) -> dict[str, str]:
        problems = {}
        if not self.email:
            problems["email"] = "Enter the person's email address"
        if not self.name:
            problems["name"] = "Enter the person's name"
        if not self.role:
            problems["role"] = "Select a role"
        if not self.password:
            problems["password"] = "Enter a first password for the person"  # noqa: S105
        return problems


@dataclass(frozen=True)
class RoleForm:
    role: str = ""
    organisation: str = ""

    @classmethod
    def parse(cls, form: Mapping[str, Any]) -> RoleForm:
        return cls(_text(form, "role"), _text(form, "organisation"))

    def validate(self) -> dict[str, str]:
        return {} if self.role else {"role": "Select a role"}
