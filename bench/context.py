"""What every scenario is handed: the server under test, the seeded rows, the run's options."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from litestar import Litestar
from litestar.routes import HTTPRoute

from bench.environment import Environment
from bench.seed import Seeded
from bench.server import Server


@dataclass
class Context:
    environment: Environment
    server: Server
    seeded: Seeded
    quick: bool
    options: dict[str, str] = field(default_factory=dict)  # --element-page, --task-list-page
    _app: Litestar | None = None

    @property
    def database(self) -> str:
        return self.environment.database

    def scale(self, quick: float, full: float) -> float:
        return quick if self.quick else full

    @property
    def app(self) -> Litestar:
        """The server's app, built in this process: to list routes and render templates alone."""
        if self._app is None:
            from bench.bench_app import create_bench_app

            self._app = create_bench_app()
        return self._app

    def routes(self, method: str) -> list[str]:
        """Paths (with their {param:type} placeholders) that answer `method`."""
        found = []
        for route in self.app.routes:
            if isinstance(route, HTTPRoute) and any(
                method in h.http_methods for h in route.route_handlers
            ):
                found.append(route.path)
        return found

    def has_route(self, method: str, path: str) -> bool:
        """Whether `path` (placeholders as {...}) is served, whatever its parameters are called."""
        wanted = _shape(path)
        return any(_shape(p) == wanted for p in self.routes(method))


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.rstrip("/")) or "/"


def fill(path: str, *values: Any) -> str:
    """Put `values` into the path's placeholders, in order."""
    parts = iter(str(v) for v in values)
    return re.sub(r"\{[^}]*\}", lambda _: next(parts), path)
