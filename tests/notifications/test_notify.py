"""The GOV.UK Notify sender through the official client, against a local HTTP server that checks
what the client sends: its JWT signed with the key, the template id, the personalisation."""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from httpx import AsyncClient

from app.notifications.events import Event
from app.notifications.sending import send_due
from app.settings import Settings
from tests.notifications.support import later, outbox
from tests.notifications.test_smtp import submitted_and_assigned

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
API_KEY = f"charter_test-{SERVICE_ID}-{SECRET}"
TEMPLATES = {event.value: str(uuid.uuid4()) for event in Event}


@dataclass
class FakeNotify:
    """Keeps each request; answers from `answers` first (status, body), then 201."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    answers: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


@contextmanager
def notify_server(fake: FakeNotify) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            fake.requests.append(
                {"path": self.path, "authorization": self.headers["Authorization"], "body": body}
            )
            status, answer = (
                fake.answers.pop(0)
                if fake.answers
                else (201, {"id": str(uuid.uuid4()), "reference": body.get("reference")})
            )
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def notify_settings(settings: Settings, url: str) -> Settings:
    return replace(
        settings,
        email="notify",
        notify_api_key=API_KEY,
        notify_templates=TEMPLATES,
        notify_url=url,
    )


async def test_each_email_is_one_request_signed_with_the_key(
    client: AsyncClient, settings: Settings
) -> None:
    team, aid = await submitted_and_assigned(client)
    fake = FakeNotify()
    with notify_server(fake) as url:
        done = await send_due(notify_settings(settings, url))
    assert done.sent == 3
    rows = {str(r["id"]): r for r in await outbox()}
    assert {r["state"] for r in rows.values()} == {"sent"}
    assert len(fake.requests) == 3
    for request in fake.requests:
        assert request["path"] == "/v2/notifications/email"
        scheme, token = request["authorization"].split(" ")
        assert scheme == "Bearer"
        claims = jwt.decode(token, SECRET, algorithms=["HS256"])
        assert claims["iss"] == SERVICE_ID
        assert abs(claims["iat"] - dt.datetime.now(dt.UTC).timestamp()) < 60
        body = request["body"]
        row = rows[body["reference"]]
        assert body["email_address"] == row["recipient"]
        assert body["template_id"] == TEMPLATES[row["event"]]
        fields = body["personalisation"]
        assert fields["subject"] == row["subject"]
        assert fields["organisation"] == "Department for Testing"
        assert fields["link"] == f"{settings.base_url}/moderation/{aid}"
        assert fields["name"] and fields["name"] in fields["body"]
        assert fields["link"] in fields["body"]
    assert {r["body"]["email_address"] for r in fake.requests} == {
        team.lead["email"],
        team.decider["email"],
        team.assessor["email"],
    }


async def test_a_5xx_from_notify_is_tried_again(client: AsyncClient, settings: Settings) -> None:
    await submitted_and_assigned(client)
    fake = FakeNotify(
        answers=[
            (
                500,
                {
                    "status_code": 500,
                    "errors": [{"error": "Exception", "message": "Internal server error"}],
                },
            )
        ]
    )
    with notify_server(fake) as url:
        first = await send_due(notify_settings(settings, url))
        assert (first.sent, first.retrying) == (2, 1)
        (waiting,) = [r for r in await outbox() if r["state"] == "pending"]
        assert waiting["last_error"] == "GOV.UK Notify answered 500: Internal server error"
        second = await send_due(notify_settings(settings, url), now=later(61))
    assert second.sent == 1
    assert {r["state"] for r in await outbox()} == {"sent"}
    assert len(fake.requests) == 4


async def test_a_400_from_notify_fails_the_email_with_notifys_message(
    client: AsyncClient, settings: Settings
) -> None:
    await submitted_and_assigned(client)
    refusal = "Can't send to this recipient using a team-only API key"
    fake = FakeNotify(
        answers=[
            (
                400,
                {"status_code": 400, "errors": [{"error": "BadRequestError", "message": refusal}]},
            )
        ]
    )
    with notify_server(fake) as url:
        done = await send_due(notify_settings(settings, url))
    assert (done.sent, done.failed) == (2, 1)
    (failed,) = [r for r in await outbox() if r["state"] == "failed"]
    assert failed["last_error"] == f"GOV.UK Notify answered 400: {refusal}"
    assert failed["tries"] == 1


async def test_an_event_without_a_template_id_fails_naming_it(
    client: AsyncClient, settings: Settings
) -> None:
    await submitted_and_assigned(client)
    fake = FakeNotify()
    with notify_server(fake) as url:
        partial = replace(
            notify_settings(settings, url),
            notify_templates={"assessment_submitted": TEMPLATES["assessment_submitted"]},
        )
        done = await send_due(partial)
    assert (done.sent, done.failed) == (2, 1)
    (failed,) = [r for r in await outbox() if r["state"] == "failed"]
    assert failed["last_error"] == (
        "CHARTER_NOTIFY_TEMPLATES has no template id for assessor_assigned"
    )
    assert len(fake.requests) == 2
