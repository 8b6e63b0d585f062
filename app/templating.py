"""The one Jinja environment: GOV.UK Frontend macros, every domain's templates, our filters."""

from __future__ import annotations

import os
import sys
from collections import ChainMap
from collections.abc import Iterable, Iterator, KeysView, Mapping, MutableMapping
from datetime import date, datetime
from fractions import Fraction
from functools import cache
from pathlib import Path
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

import govuk_frontend_jinja
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    Undefined,
)
from jinja2.filters import do_indent
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig
from markupsafe import Markup

from app.assessments.scoring import display_percent
from app.web.navigation import nav_for

APP_DIR = Path(__file__).resolve().parent
WEB_DIR = APP_DIR / "web"
STATIC_DIR = WEB_DIR / "static"
ASSET_PATH = "/assets"
SERVICE_NAME = "Charter"
# On every page's footer (a page may pass footer_links of its own instead).
FOOTER_LINKS = (
    {"href": "/verify", "text": "Check a certificate"},
    {"href": "/schema", "text": "API reference"},
)
LONDON = ZoneInfo("Europe/London")

# Unresolved, like the paths PackageLoader gives the templates it compiles.
_GOVUK_TEMPLATES = str(Path(govuk_frontend_jinja.__file__).parent / "templates")


def _inside_govuk_macro() -> bool:
    """Whether the nearest template on the call stack is one of GOV.UK Frontend's macros."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.endswith(".html"):
            return filename.startswith(_GOVUK_TEMPLATES)
        frame = frame.f_back
    return False


class CharterUndefined(Undefined):
    """StrictUndefined in our own templates, so a typo fails loudly; plain Undefined inside
    GOV.UK's macros, which are ports of Nunjucks and rely on a missing option being falsy
    (`{% if params.classes %}`): they cannot run under StrictUndefined."""

    __slots__ = ()

    def _fail_outside_govuk_macro(self) -> None:
        if not _inside_govuk_macro():
            self._fail_with_undefined_error()

    def __bool__(self) -> bool:
        self._fail_outside_govuk_macro()
        return False

    def __str__(self) -> str:
        self._fail_outside_govuk_macro()
        return ""

    def __iter__(self) -> Iterator[Any]:
        self._fail_outside_govuk_macro()
        return iter(())

    def __len__(self) -> int:
        self._fail_outside_govuk_macro()
        return 0

    def __eq__(self, other: object) -> bool:
        self._fail_outside_govuk_macro()
        return isinstance(other, CharterUndefined)  # Jinja: of the same type; the kinds are one

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        self._fail_outside_govuk_macro()
        return id(CharterUndefined)

    def __contains__(self, item: object) -> bool:
        self._fail_outside_govuk_macro()
        return False


class GovukOptionUndefined(CharterUndefined):
    """An option missing from the params one of GOV.UK's macros reads: known to be inside one,
    so lenient without a walk up the stack each time it is tested (500 times per form page)."""

    __slots__ = ()

    def _fail_outside_govuk_macro(self) -> None:
        return None


def indent(text: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    """Jinja's indent filter, with the same result, but safe markup (all GOV.UK's macros indent
    their nested HTML) is indented as plain text and marked safe once: Jinja's own splits it into
    Markup lines and escapes the indentation on each, a tenth of a form page's render."""
    if not isinstance(text, Markup) or not isinstance(width, int):
        return do_indent(text, width, first, blank)
    return Markup(do_indent(str(text), width, first, blank))  # noqa: S704 - safe text + spaces


def percent(value: Fraction | None) -> str:
    """A percent (0-100) to one decimal place, halves away from zero: "66.7%", or a dash."""
    shown = display_percent(value)
    return shown if value is None else f"{shown}%"


def govuk_date(value: date | datetime | str | None) -> str:
    """GOV.UK style: "22 November 2026". An ISO string (as the JSON-shaped dicts that league
    tables are stored as hold) is read first: "2026-11-22", or a time, shown as its UK date."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    if isinstance(value, datetime):
        value = _local(value)
    return f"{value.day} {value:%B %Y}"


def govuk_datetime(value: datetime | None) -> str:
    """GOV.UK style, UK time: "22 November 2026 at 3:05pm" (midnight and midday by name)."""
    if value is None:
        return ""
    value = _local(value)
    return f"{govuk_date(value)} at {govuk_time(value)}"


def govuk_time(value: datetime) -> str:
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    if value.hour == 12 and value.minute == 0:
        return "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def _local(value: datetime) -> datetime:
    """Aware times are shown in UK time; naive ones are taken as already local."""
    return value.astimezone(LONDON) if value.tzinfo is not None else value


def service_navigation(items: Iterable[Mapping[str, Any]], path: str) -> list[dict[str, Any]]:
    """Nav items for govukServiceNavigation, marking the one the current path falls under."""
    marked = []
    for item in items:
        entry = dict(item)
        if "current" not in entry and "active" not in entry:
            href = str(entry.get("href", ""))
            entry["current"] = href == path
            entry["active"] = href not in ("", "/") and path.startswith(href.rstrip("/") + "/")
        marked.append(entry)
    return marked


def template_dirs(app_dir: Path = APP_DIR) -> list[Path]:
    """web/templates first, then every domain's templates folder, in name order."""
    web = app_dir / "web"
    domains = sorted(p for p in app_dir.glob("*/templates") if p.is_dir() and p.parent != web)
    return [web / "templates", *domains]


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _GlobalNames(KeysView[str]):
    """The names of a template's globals, subtracted in C: `names_wanted - template.globals.keys()`
    is how Jinja decides whether an imported template needs a fresh module, and GOV.UK's macros
    import on every call (a hundred and more times per form page). The generic Set.__rsub__ asks
    the ChainMap for each name in turn, in Python."""

    _mapping: ChainMap[str, Any]

    def __rsub__(self, other: Iterable[Any]) -> set[Any]:
        return set(other).difference(*self._mapping.maps)


class _TemplateGlobals(ChainMap[str, Any]):
    """A template's globals over the environment's, as Jinja makes them, with quicker names."""

    def keys(self) -> _GlobalNames:
        return _GlobalNames(self)


class CharterEnvironment(Environment):
    """Jinja's environment with a quicker `a.b` for plain dicts, the same result.

    GOV.UK's macros read every option as `params.name`. Jinja tries the attribute first, and a
    dict has none by that name, so each read raised and caught AttributeError, and a missing
    option a KeyError too: 1,400 reads per form page, a quarter of its render. A plain dict's
    attributes are exactly dir(dict), so for any other name the item is what Jinja would find.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                # The caller is the template reading the option.
                if sys._getframe(1).f_code.co_filename.startswith(_GOVUK_TEMPLATES):
                    return GovukOptionUndefined(obj=obj, name=attribute)
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return _TemplateGlobals({} if d is None else d, self.globals)


def build_environment(app_dir: Path = APP_DIR) -> Environment:
    """An environment over `app_dir`'s template folders, as they are when this is called."""
    loader = ChoiceLoader(
        [
            FileSystemLoader([str(p) for p in template_dirs(app_dir)]),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    env = CharterEnvironment(
        loader=loader,
        autoescape=True,
        undefined=CharterUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship with the code; checking every file's mtime on each render costs CPU.
        auto_reload=os.environ.get("CHARTER_TEMPLATE_RELOAD") == "1",
    )
    if os.environ.get("CHARTER_TEMPLATE_LOG"):
        _log_templates(env, Path(os.environ["CHARTER_TEMPLATE_LOG"]))
    env.filters.update(indent=indent, percent=percent, date=govuk_date, datetime=govuk_datetime)
    env.globals.update(
        asset_path=ASSET_PATH,
        service_name=SERVICE_NAME,
        default_footer_links=FOOTER_LINKS,
        service_navigation=service_navigation,
        nav_for=nav_for,
    )
    return env


def _log_templates(env: Environment, log: Path) -> None:
    """For the browser tests only (CHARTER_TEMPLATE_LOG=FILE): append the name of each template
    the first time it is loaded, so that a test can name the pages that no browser test visits."""
    seen: set[str] = set()
    load = env.get_template

    def get_template(name: Any, *args: Any, **kwargs: Any) -> Any:
        template = load(name, *args, **kwargs)
        if isinstance(name, str) and name not in seen:
            seen.add(name)
            with log.open("a", encoding="utf-8") as f:
                f.write(name + "\n")
        return template

    env.get_template = get_template  # type: ignore[method-assign]


@cache
def environment() -> Environment:
    """The app's one environment, built on first use (domain folders are found then)."""
    return build_environment()


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    """Litestar's template config over the shared environment."""
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment()))
