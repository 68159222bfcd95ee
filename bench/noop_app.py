"""A worker app that answers every request at once with an empty SPARQL JSON result.

`bench/bench_server.py` serves it as "dlkg front only": the same front, fair sharing, worker
pool and isolated workers as `dlkg serve`, with no guard, engine or page work in the worker,
so its throughput is the ceiling of the server's process design on this machine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dlkg.web.http import Request, Response

_EMPTY = b'{"head":{"vars":["paper","title","year"]},"results":{"bindings":[]}}'


def create_app(settings: Any, store: Any) -> Callable[[Request], Response]:
    """`ServeSettings(app="noop_app:create_app")`."""

    def app(request: Request) -> Response:
        return Response(200, "application/sparql-results+json", _EMPTY)

    return app
