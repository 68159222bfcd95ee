"""The small contract between the HTTP server and the page/handler modules.

Handlers are plain functions `(Request, Context) -> Response`: no framework types leak into
them, so they are tested without a socket and served by whatever `app.py` runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class Request:
    method: str  # "GET", "POST", "HEAD", "OPTIONS"
    path: str  # URL path, percent-decoded, without the query string
    query: dict[str, list[str]]  # decoded query-string parameters
    headers: dict[str, str]  # header names lower-cased
    body: bytes = b""

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = field(default_factory=tuple)


class QueryRunner(Protocol):
    """Evaluates read-only SPARQL safely (worker processes, timeouts, caps).

    `select` returns SPARQL JSON results parsed into `{"head": ..., "results": ...}` for
    SELECT/ASK; `graph` returns serialized RDF bytes for CONSTRUCT/DESCRIBE in `media_type`.
    Both raise `dlkg.errors.QueryError` with a one-line, user-safe message on failure.
    """

    def select(self, query: str) -> dict[str, object]: ...

    def graph(self, query: str, media_type: str) -> bytes: ...


@dataclass(frozen=True)
class Context:
    """What every handler may use; built once by `app.py` and passed to each handler.

    `base_iri` is the dataset's configured base (e.g. "https://w3id.org/dlkg/"): the resource
    at path "/paper/x" is the IRI base_iri + "paper/x", whatever host serves it.
    """

    runner: QueryRunner
    base_iri: str
    build_dir: Path  # holds dumps/ (with SHA256SUMS) and report.json of the served build
    queries_dir: Path  # the competency queries (*.rq with "#+ summary:" headers)

    def iri_for_path(self, path: str) -> str:
        return self.base_iri + path.lstrip("/")

    def path_for_iri(self, iri: str) -> str | None:
        """Local path of a dataset IRI, or None for IRIs outside the base."""
        return "/" + iri[len(self.base_iri) :] if iri.startswith(self.base_iri) else None


class Handler(Protocol):
    """A route handler: returns None when the request is not for it."""

    def __call__(self, request: Request, ctx: Context) -> Response | None: ...
