"""Settings from the environment: the base address follows `charter serve`'s host and port."""

from __future__ import annotations

from app.settings import Settings


def base_url(**env: str) -> str:
    return Settings.from_env({"CHARTER_SECRET_KEY": "k", **env}).base_url


def test_base_url_is_the_served_host_and_port_when_not_set() -> None:
    assert base_url() == "http://127.0.0.1:8000"
    assert base_url(CHARTER_PORT="8101") == "http://127.0.0.1:8101"
    assert (
        base_url(CHARTER_HOST="charter.local", CHARTER_PORT="9000") == "http://charter.local:9000"
    )
    assert base_url(CHARTER_HOST="::1", CHARTER_PORT="8101") == "http://[::1]:8101"


def test_a_base_url_that_is_set_wins_over_the_served_address() -> None:
    assert base_url(CHARTER_BASE_URL="https://charter.example/", CHARTER_PORT="8101") == (
        "https://charter.example"
    )
    assert (
        "127.0.0.1:8101"
        in Settings.from_env({"CHARTER_SECRET_KEY": "k", "CHARTER_PORT": "8101"}).allowed_hosts
    )
