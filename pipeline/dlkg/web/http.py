"""The small contract between the server (`web/server/`) and the site (`web/site/`).

Handlers are plain functions `(Request, Context) -> Response`: no framework types leak into
them, so they are tested without a socket. `App` is what the server's workers run: the site's
route table behind one callable. `error_response` is the one way any part builds an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .. import formats

TEXT = formats.Format("text", "text/plain", "txt", "plain text")
ERROR_FORMATS = (formats.HTML, TEXT)  # a page for browsers and `*/*`; text for the rest


@dataclass(frozen=True)
class Request:
    method: str  # "GET", "POST", "HEAD", "OPTIONS"
    path: str  # URL path, percent-decoded, without the query string
    query: dict[str, list[str]]  # decoded query-string parameters
    headers: dict[str, str]  # header names lower-cased
    body: bytes = b""
    params: dict[str, str] = field(default_factory=dict)  # what the route's pattern matched

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
    """What every handler may use; built once per worker (`site/app.py`), passed to each handler.

    `base_iri` is the dataset's configured base (e.g. "https://w3id.org/dlkg/"): the resource
    at path "/paper/x" is the IRI base_iri + "paper/x", whatever host serves it.
    """

    runner: QueryRunner
    base_iri: str
    build_dir: Path  # holds dumps/ (with SHA256SUMS) and report.json of the served build
    queries_dir: Path  # the competency queries (*.rq with "#+ summary:" headers)
    federated: tuple[str, ...] = ()  # SERVICE endpoints queries may call
    limits_note: str = ""  # the limits, as the service description states them

    def iri_for_path(self, path: str) -> str:
        return self.base_iri + path.lstrip("/")

    def path_for_iri(self, iri: str) -> str | None:
        """Local path of a dataset IRI, or None for IRIs outside the base."""
        return "/" + iri[len(self.base_iri) :] if iri.startswith(self.base_iri) else None


class Handler(Protocol):
    """A route handler: the route table only calls it for its own paths and methods."""

    def __call__(self, request: Request, ctx: Context) -> Response: ...


class App(Protocol):
    """What a worker process runs for each request (`dlkg.web.site.app.create_app` builds it)."""

    def __call__(self, request: Request) -> Response: ...


def with_vary(headers: tuple[tuple[str, str], ...], *names: str) -> tuple[tuple[str, str], ...]:
    """`headers` with `names` added to its one Vary header (clients read one, not several)."""
    current = [v.strip() for k, vs in headers if k.lower() == "vary" for v in vs.split(",")]
    merged = current + [n for n in names if n.lower() not in {c.lower() for c in current}]
    rest = tuple((k, v) for k, v in headers if k.lower() != "vary")
    return (*rest, ("Vary", ", ".join(merged))) if merged else rest


def error_response(
    status: int,
    message: str,
    *,
    accept: str | None = None,
    headers: tuple[tuple[str, str], ...] = (),
    page: Callable[[int, str], bytes] | None = None,
) -> Response:
    """The error answer: one line of UTF-8 text, or `page(status, message)` as HTML.

    HTML only when a `page` renderer is given and the client accepts text/html at least as
    much as text/plain (browsers, `*/*`, no Accept); then the answer says `Vary: Accept`.
    Errors are never refused for want of an acceptable type: anything else gets the text.
    """
    line = " ".join(message.split())[:500]
    if page is None:
        return Response(status, TEXT.content_type, (line + "\n").encode("utf-8"), headers)
    chosen = formats.negotiate(accept, ERROR_FORMATS)
    vary = (*headers, ("Vary", "Accept"))
    if chosen is formats.HTML:
        return Response(status, formats.HTML.content_type, page(status, line), vary)
    return Response(status, TEXT.content_type, (line + "\n").encode("utf-8"), vary)
