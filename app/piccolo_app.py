"""ONE Piccolo app over every domain's tables.py, with one migrations folder."""

import os

from piccolo.conf.apps import AppConfig

from app.accounts.tables import ApiToken, RecoveryCode, SessionEntry, SignInAttempt, User
from app.actions.tables import ActionProgress, PlanAction
from app.appeals.tables import Appeal
from app.assessments.tables import Assessment, Response, ResponseEvidence, StatusChange
from app.audit.tables import AuditRecord
from app.certificates.tables import Certificate
from app.evidence.tables import Evidence
from app.frameworks.tables import FrameworkVersion
from app.league_tables.tables import LeagueTable
from app.moderation.tables import Assignment, Decision, Moderation
from app.notifications.tables import Notification, NotificationAttempt, ReminderChoice
from app.organisations.tables import Organisation
from app.reports.tables import RenderedReport

# Parents before children: the order tables are created in tests and listed in migrations.
TABLES = [
    Organisation,
    User,
    ApiToken,
    SessionEntry,
    SignInAttempt,
    RecoveryCode,
    AuditRecord,
    FrameworkVersion,
    Evidence,
    Assessment,
    Response,
    ResponseEvidence,
    StatusChange,
    Assignment,
    Moderation,
    Decision,
    Certificate,
    LeagueTable,
    Notification,
    NotificationAttempt,
    ReminderChoice,
    PlanAction,
    ActionProgress,
    RenderedReport,
    Appeal,
]

APP_CONFIG = AppConfig(
    app_name="charter",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=TABLES,
    migration_dependencies=[],
    commands=[],
)
