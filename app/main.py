"""create_app(settings): the one place that wires Litestar together."""

from __future__ import annotations

import logging
from typing import Any, cast
from urllib.parse import urlencode, urlsplit

from litestar import Litestar, Request, Response
from litestar.config.allowed_hosts import AllowedHostsConfig
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.openapi.spec import Components
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app import db
from app.accounts import api as accounts_api
from app.accounts.admin_pages import UserAdminPages
from app.accounts.auth import (
    PASSWORD_PAGE,
    SESSION_ENDED,
    TWO_FACTOR_PAGE,
    AuthenticationMiddleware,
    PasswordChangeNeeded,
    TwoFactorEnrolmentNeeded,
)
from app.accounts.browser_sessions import warm_browser_names
from app.accounts.csrf import CSRF_COOKIE, CSRF_HEADER, CharterCSRFMiddleware, FormRefused
from app.accounts.error_identity import identify
from app.accounts.oidc_pages import OidcPages
from app.accounts.pages import AccountPages, SignInPages
from app.accounts.session_store import DatabaseStore
from app.accounts.sessions import COOKIE, RotatingSessionConfig
from app.accounts.sign_in import local_path
from app.accounts.two_factor_pages import TwoFactorPages
from app.actions import api as actions_api
from app.actions.pages import ActionPages
from app.appeals import api as appeals_api
from app.appeals.pages import AppealPages
from app.assessments.api import AssessmentsController
from app.assessments.pages import AssessmentPages, static_router
from app.audit.api import AuditController
from app.audit.pages import AuditPages
from app.certificates import api as certificates_api
from app.certificates import pages as certificates_pages
from app.certificates import verify_pages
from app.errors import DomainError, TooBusy
from app.evidence.api import EvidenceController
from app.evidence.pages import EvidencePages
from app.evidence.staging import is_no_room
from app.evidence.storage import storage_for
from app.frameworks.api import FrameworksController
from app.frameworks.pages import FrameworkPages
from app.league_tables import api as league_tables_api
from app.league_tables import pages as league_tables_pages
from app.moderation import api as moderation_api
from app.moderation import pages as moderation_pages
from app.notifications import background as notifications_background
from app.notifications.api import NotificationsController
from app.notifications.pages import OutboxPages, ReminderPages
from app.openapi import SECURITY_SCHEMES, DocumentedErrors
from app.organisations import api as organisations_api
from app.organisations.pages import OrganisationAdminPages
from app.reports import api as reports_api
from app.reports import pages as reports_pages
from app.settings import Settings
from app.templating import STATIC_DIR, template_config
from app.web import heap
from app.web.api_reference import ApiReferencePage
from app.web.health import healthz
from app.web.json_body import check_json_body
from app.web.pages import home
from app.web.request_gate import MAX_BODY_BYTES, RequestGateMiddleware
from app.web.request_text import RefuseNulMiddleware
from app.web.security_headers import security_headers
from app.workbooks.api import WorkbooksController
from app.workbooks.pages import ModerationWorkbookPages, WorkbookPages

API_PREFIX = "/api/"

ROUTE_HANDLERS: list[Any] = [
    healthz,
    home,
    accounts_api.AuthController,
    accounts_api.UsersController,
    organisations_api.OrganisationsController,
    SignInPages,
    OidcPages,
    AccountPages,
    TwoFactorPages,
    UserAdminPages,
    OrganisationAdminPages,
    AuditPages,
    AuditController,
    FrameworksController,
    FrameworkPages,
    AssessmentsController,
    AssessmentPages,
    static_router,
    moderation_api.ModerationController,
    moderation_api.ModerationListsController,
    moderation_pages.ModerationPages,
    moderation_pages.CalibrationPages,
    EvidenceController,
    EvidencePages,
    certificates_api.CertificatesController,
    *verify_pages.ROUTES,
    *certificates_pages.ROUTES,
    reports_api.board_report_pdf,
    reports_pages.board_report_preview,
    league_tables_api.LeagueTablesController,
    league_tables_pages.LeagueTablePages,
    NotificationsController,
    OutboxPages,
    ReminderPages,
    actions_api.OrganisationActionsController,
    actions_api.ActionsController,
    ActionPages,
    appeals_api.AssessmentAppealController,
    appeals_api.AppealsController,
    AppealPages,
    WorkbooksController,
    WorkbookPages,
    ModerationWorkbookPages,
]


# Statuses without their own page share the page of the nearest kind of problem.
_ERROR_TEMPLATES = {
    400: 400,
    403: 403,
    404: 404,
    405: 405,
    409: 409,
    413: 400,
    422: 400,
    429: 429,
    507: 507,
}
NO_ROOM_MESSAGE = (
    "The service has no room to save what you sent, so nothing was saved. Try again later, or"
    " tell the service's administrator"
)
log = logging.getLogger("charter")


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith(API_PREFIX) or request.url.path.startswith("/schema")


def _error_page(
    request: Request[Any, Any, Any],
    status: int,
    message: str,
    template: str | None = None,
    **extra: Any,
) -> Response[Any]:
    if _wants_json(request):
        return Response({"status_code": status, "detail": message, **extra}, status_code=status)
    return Template(
        template_name=f"errors/{template or _ERROR_TEMPLATES.get(status, 500)}.html",
        context={"message": message, "status": status, **extra},
        status_code=status,
    )


def _domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    response = _error_page(request, exc.status_code, exc.message, **exc.extra)
    if isinstance(exc, TooBusy):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _os_error(request: Request[Any, Any, Any], exc: OSError) -> Response[Any]:
    """A full disk met outside our own writes (a form Litestar spools to a temporary file, say)
    is the client's to hear about; any other OSError is a 500, logged."""
    if is_no_room(exc):
        log.warning("no room to save a request to %s: %s", request.url.path, exc)
        return _error_page(request, 507, NO_ROOM_MESSAGE)
    log.error("unexpected error answering %s", request.url.path, exc_info=exc)
    return _error_page(request, 500, "Internal Server Error")


def _choose_a_password(_: Request[Any, Any, Any], __: PasswordChangeNeeded) -> Response[Any]:
    return Redirect(PASSWORD_PAGE, status_code=303)


def _set_up_two_factor(
    request: Request[Any, Any, Any], __: TwoFactorEnrolmentNeeded
) -> Response[Any]:
    if _wants_json(request):
        message = "Set up two-factor authentication first (POST /api/v1/auth/two-factor)"
        return _error_page(request, 403, message, two_factor_enrolment_required=True)
    return Redirect(TWO_FACTOR_PAGE, status_code=303)


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if isinstance(exc, NotAuthorizedException) and not _wants_json(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        query = {"next": target}
        if request.scope.get("state", {}).get(SESSION_ENDED):
            query["ended"] = "yes"
        return Redirect(f"/sign-in?{urlencode(query, safe='/')}")
    extra: dict[str, Any] = {}
    if isinstance(exc, ValidationException) and exc.extra:
        extra["problems"] = exc.extra
    if isinstance(exc, FormRefused) and not _wants_json(request):
        extra["template"] = "form_refused"
        extra["back"] = _same_site_referer(request)
    return _error_page(request, exc.status_code, exc.detail, **extra)


def _same_site_referer(request: Request[Any, Any, Any]) -> str:
    """The path of the page the refused form was on, when that page is one of ours, else "/"."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc != request.headers.get("host", ""):
        return "/"
    target = referer.path + (f"?{referer.query}" if referer.query else "")
    return local_path(target, "/")


def _forwarded_headers(settings: Settings) -> list[DefineMiddleware]:
    """X-Forwarded-For and -Proto are believed only from the proxies configured: from anyone
    else they would let a client choose its own address (and so escape the sign-in throttle)."""
    if not settings.trusted_proxies:
        return []
    proxies = list(settings.trusted_proxies)
    return [DefineMiddleware(cast(Any, ProxyHeadersMiddleware), trusted_hosts=proxies)]


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    settings.evidence_dir.mkdir(parents=True, exist_ok=True)
    storage_for(settings)  # at start: removes uploads left half-written by a process that died
    session_config = RotatingSessionConfig(
        store="sessions",
        key=COOKIE,
        max_age=settings.session_idle_minutes * 60,
        renew_on_access=True,
        secure=settings.https,
        httponly=True,
        samesite="lax",
    )
    csrf_config = CSRFConfig(
        secret=settings.secret_key,
        cookie_name=CSRF_COOKIE,
        cookie_secure=settings.https,
        cookie_samesite="strict",
        header_name=CSRF_HEADER,
    )
    return Litestar(
        route_handlers=[
            *ROUTE_HANDLERS,
            create_static_files_router(
                path="/assets", directories=[STATIC_DIR], include_in_schema=False
            ),
        ],
        middleware=[
            *_forwarded_headers(settings),
            session_config.middleware,
            DefineMiddleware(
                AuthenticationMiddleware,
                absolute_hours=settings.session_absolute_hours,
                two_factor_roles=settings.two_factor_roles,
            ),
            RequestGateMiddleware,
            DefineMiddleware(
                CharterCSRFMiddleware,
                config=csrf_config,
                allowed_hosts=settings.allowed_hosts,
                base_url=settings.base_url,
            ),
            RefuseNulMiddleware,
        ],
        before_send=[security_headers(settings.https)],
        before_request=check_json_body,
        stores={"sessions": DatabaseStore()},
        template_config=template_config(),
        allowed_hosts=AllowedHostsConfig(allowed_hosts=list(settings.allowed_hosts)),
        openapi_config=OpenAPIConfig(
            title="Charter API",
            version="1",
            path="/schema",
            components=Components(security_schemes=SECURITY_SCHEMES),
            use_handler_docstrings=True,
            render_plugins=[ApiReferencePage(), JsonRenderPlugin(), YamlRenderPlugin()],
        ),
        plugins=[DocumentedErrors()],
        exception_handlers={
            DomainError: _domain_error,
            PasswordChangeNeeded: _choose_a_password,
            TwoFactorEnrolmentNeeded: _set_up_two_factor,
            OSError: _os_error,
            HTTPException: _http_error,
            NotFoundException: _http_error,
            PermissionDeniedException: _http_error,
        },
        after_exception=[identify],
        on_startup=[db.start_warm, warm_browser_names, heap.settle, notifications_background.start],
        on_shutdown=[notifications_background.stop, db.stop],
        state=State({"settings": settings}),
        request_max_body_size=MAX_BODY_BYTES,  # the evidence upload route sets its own
    )
