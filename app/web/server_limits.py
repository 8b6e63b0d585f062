"""Time limits on a connection's request that uvicorn does not set itself: the headers must
arrive whole within CHARTER_HEADER_TIMEOUT seconds of their first byte, and a body must not
stall (no bytes for CHARTER_BODY_TIMEOUT seconds while the app is ready for more), else the
connection is closed. `charter serve` passes these protocols to uvicorn with the keep-alive
time-out and the connection limit (read from the environment, so that every worker has them)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools not installed: uvicorn uses h11
    HttpToolsProtocol = None  # type: ignore[assignment,misc]


@dataclass(frozen=True)
class ServerLimits:
    header_seconds: float = 10.0
    body_seconds: float = 30.0
    keep_alive_seconds: int = 5
    max_connections: int = 500

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ServerLimits:
        env = os.environ if env is None else env
        try:
            return cls(
                header_seconds=float(env.get("CHARTER_HEADER_TIMEOUT", cls.header_seconds)),
                body_seconds=float(env.get("CHARTER_BODY_TIMEOUT", cls.body_seconds)),
                keep_alive_seconds=int(
                    env.get("CHARTER_KEEP_ALIVE_TIMEOUT", cls.keep_alive_seconds)
                ),
                max_connections=int(env.get("CHARTER_MAX_CONNECTIONS", cls.max_connections)),
            )
        except ValueError as exc:
            raise SystemExit(f"A server time-out or limit is not a number: {exc}") from exc

    def to_env(self) -> dict[str, str]:
        return {
            "CHARTER_HEADER_TIMEOUT": str(self.header_seconds),
            "CHARTER_BODY_TIMEOUT": str(self.body_seconds),
            "CHARTER_KEEP_ALIVE_TIMEOUT": str(self.keep_alive_seconds),
            "CHARTER_MAX_CONNECTIONS": str(self.max_connections),
        }


class _Deadlines:
    """Mixed into a uvicorn HTTP protocol (which provides transport, flow, cycle and loop)."""

    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop
    flow: Any
    cycle: Any

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        limits = ServerLimits.from_env()
        self._header_seconds, self._body_seconds = limits.header_seconds, limits.body_seconds
        self._header_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        self._arm_header()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)  # type: ignore[misc]
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if cycle is None or cycle.response_complete:
            if self._header_timer is None:  # the next request has begun to arrive
                self._arm_header()
            return
        self._cancel_header()
        if cycle.more_body:
            self._arm_body()
        else:
            self._cancel_body()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        self._cancel_body()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header()
        self._cancel_body()
        super().connection_lost(exc)  # type: ignore[misc]

    def _arm_header(self) -> None:
        self._header_timer = self.loop.call_later(self._header_seconds, self._close)

    def _cancel_header(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _arm_body(self) -> None:
        self._cancel_body()
        self._body_timer = self.loop.call_later(self._body_seconds, self._body_stalled)

    def _cancel_body(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None

    def _body_stalled(self) -> None:
        self._body_timer = None
        if self.flow is not None and self.flow.read_paused:
            self._arm_body()  # the app is not reading yet: the client is not the one stalling
            return
        self._close()

    def _close(self) -> None:
        if not self.transport.is_closing():
            self.transport.close()


class LimitedH11Protocol(_Deadlines, H11Protocol):
    pass


if HttpToolsProtocol is not None:

    class LimitedHttpToolsProtocol(_Deadlines, HttpToolsProtocol):
        pass


def protocol_class() -> type[asyncio.Protocol]:
    """The HTTP protocol uvicorn would pick (httptools when installed), with the deadlines."""
    if HttpToolsProtocol is not None:
        return LimitedHttpToolsProtocol
    return LimitedH11Protocol
