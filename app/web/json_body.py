"""Reads a JSON API body strictly before Litestar converts it: a string where the contract says a
number or a yes/no ("score": "2") is refused (422, naming the field) rather than converted, and
JSON nested too deeply to read is a 400 that says so (it used to end in a RecursionError: 500)."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException

from app.errors import Invalid

TOO_DEEP = "The JSON is nested too deeply to read"
_WHERE = re.compile(r"^(.*?)(?: - at `\$([^`]*)`)?$", re.DOTALL)
_MISSING = re.compile(r"^Object missing required field `([^`]*)`")
_body_types: dict[int, type | None] = {}


def _body_type(request: Request[Any, Any, Any]) -> type | None:
    """The msgspec Struct a handler's `data` is read as, if it has one (cached per handler)."""
    handler = request.route_handler
    key = id(handler)
    if key not in _body_types:
        data = handler.parsed_fn_signature.parameters.get("data")
        annotation = data.annotation if data is not None else None
        is_struct = isinstance(annotation, type) and issubclass(annotation, msgspec.Struct)
        _body_types[key] = annotation if is_struct else None
    return _body_types[key]


def refuse_too_deep() -> ValidationException:
    return ValidationException(
        TOO_DEEP, extra=[{"message": TOO_DEEP, "key": "data", "source": "body"}]
    )


async def check_json_body(request: Request[Any, Any, Any]) -> None:
    """A `before_request` hook (it runs after the guards, before the body is converted)."""
    body_type = _body_type(request)
    if body_type is None:
        return
    body = await request.body()  # kept: Litestar's own reading takes it from here
    try:
        msgspec.json.decode(body or b"null", type=body_type, strict=True)
    except RecursionError:
        raise refuse_too_deep() from None
    except msgspec.ValidationError as exc:
        found = _WHERE.match(str(exc))
        message, path = (found[1], found[2] or "") if found else (str(exc), "")
        missing = _MISSING.match(message)
        field = missing[1] if missing else path.lstrip(".") or "data"
        problem = message.replace("`", "")
        raise Invalid({field: problem}, f"There is a problem with {field}: {problem}") from None
    except msgspec.DecodeError:
        return  # not JSON at all: Litestar's reading says so (400)
