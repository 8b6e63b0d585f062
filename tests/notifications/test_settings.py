"""CHARTER_EMAIL and what it needs are checked at start, each refusal saying what to set."""

from __future__ import annotations

import pytest

from app.settings import Settings

BASE = {"CHARTER_SECRET_KEY": "x" * 40, "CHARTER_BASE_URL": "https://charter.example.gov.uk"}


def test_email_is_off_unless_turned_on() -> None:
    settings = Settings.from_env(BASE)
    assert settings.email == "none"
    assert settings.email_from == "charter@charter.example.gov.uk"


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"CHARTER_EMAIL": "sendmail"}, "CHARTER_EMAIL must be none, smtp or notify"),
        ({"CHARTER_EMAIL": "smtp"}, "CHARTER_EMAIL=smtp needs CHARTER_SMTP_URL"),
        (
            {"CHARTER_EMAIL": "smtp", "CHARTER_SMTP_URL": "mail.example.gov.uk:25"},
            "CHARTER_EMAIL=smtp needs CHARTER_SMTP_URL",
        ),
        ({"CHARTER_EMAIL": "notify"}, "CHARTER_EMAIL=notify needs CHARTER_NOTIFY_API_KEY"),
        ({"CHARTER_NOTIFY_TEMPLATES": "{not json"}, "CHARTER_NOTIFY_TEMPLATES is not JSON"),
        ({"CHARTER_NOTIFY_TEMPLATES": '["a"]'}, "must map each event to a template id"),
    ],
)
def test_a_setting_that_cannot_work_is_refused_at_start(env: dict[str, str], says: str) -> None:
    with pytest.raises(SystemExit) as refused:
        Settings.from_env({**BASE, **env})
    assert says in str(refused.value)


def test_smtp_and_notify_settings_are_read() -> None:
    smtp = Settings.from_env(
        {
            **BASE,
            "CHARTER_EMAIL": "SMTP",
            "CHARTER_SMTP_URL": "smtps://relay%40dept:p%40ss@mail.example.gov.uk:465",
            "CHARTER_EMAIL_FROM": "Charter <charter@dept.gov.uk>",
        }
    )
    assert (smtp.email, smtp.email_from) == ("smtp", "Charter <charter@dept.gov.uk>")
    assert "p%40ss" not in repr(smtp)
    notify = Settings.from_env(
        {
            **BASE,
            "CHARTER_EMAIL": "notify",
            "CHARTER_NOTIFY_API_KEY": "charter-live-0123456789",
            "CHARTER_NOTIFY_TEMPLATES": '{"decision_made": "abc"}',
        }
    )
    assert notify.notify_templates == {"decision_made": "abc"}
    assert "charter-live-0123456789" not in repr(notify)  # not in logs
