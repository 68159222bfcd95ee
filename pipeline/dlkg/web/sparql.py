"""The SPARQL 1.1 Protocol at /sparql: request parsing, content negotiation, status codes.

Runs inside a worker process (see workers.py); evaluation itself is the `Evaluator`'s job, so
this module is plain request-in, response-out logic. Spec: https://www.w3.org/TR/sparql11-protocol/
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol
from urllib.parse import parse_qs

from ..errors import ProtocolError
from .http import Context, Request, Response

TEXT = "text/plain; charset=utf-8"
PATHS = frozenset({"/sparql", "/sparql/"})

# Result formats: name -> media type. The first one is the default.
RESULT_TYPES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
GRAPH_TYPES: dict[str, str] = {
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
# Other names and media types clients send for the same formats.
_RESULT_ALIASES = {
    "application/json": "json",
    "text/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "srj": "json",
    "srx": "xml",
    "sparql-results+json": "json",
    "sparql-results+xml": "xml",
}
_GRAPH_ALIASES = {
    "ttl": "turtle",
    "text/n3": "turtle",
    "n3": "turtle",  # Turtle is N3; SPARQLWrapper sends format=n3
    "text/rdf+n3": "turtle",
    "application/x-turtle": "turtle",
    "nt": "ntriples",
    "n-triples": "ntriples",
    "text/plain": "ntriples",
    "json-ld": "jsonld",
    "json": "jsonld",
    "application/json": "jsonld",
    "xml": "rdfxml",
    "rdf": "rdfxml",
    "rdf/xml": "rdfxml",
    "rdf+xml": "rdfxml",
    "application/xml": "rdfxml",
    "text/xml": "rdfxml",
}
_FORM = "application/x-www-form-urlencoded"
_QUERY = "application/sparql-query"
_UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class Evaluated:
    """Serialized results of one query, straight from the engine."""

    body: bytes
    media_type: str
    truncated: bool = False  # the row cap cut the result
    max_rows: int = 0


@dataclass(frozen=True)
class ProtocolQuery:
    """A query operation as the protocol request gave it."""

    text: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None  # the `format` parameter, if any
    accept: str = "*/*"


class Evaluator(Protocol):
    """Evaluates a protocol query into serialized bytes; raises ProtocolError."""

    def evaluate(self, query: ProtocolQuery) -> Evaluated: ...

    def named_graphs(self) -> list[str]: ...


def error(status: int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    """A one-line text/plain error response."""
    line = " ".join(message.split())[:500]
    return Response(status, TEXT, (line + "\n").encode("utf-8"), headers)


def _media(value: str) -> tuple[str, dict[str, str]]:
    kind, _, rest = value.partition(";")
    params = {}
    for part in rest.split(";"):
        name, _, val = part.partition("=")
        if name.strip():
            params[name.strip().lower()] = val.strip().strip('"')
    return kind.strip().lower(), params


def accepted(accept: str) -> list[str]:
    """Media ranges of an Accept header, best first (q, then specificity, then order)."""
    ranked: list[tuple[float, int, int, str]] = []
    for order, item in enumerate(accept.split(",")):
        kind, params = _media(item)
        if not kind:
            continue
        try:
            q = float(params.get("q", "1"))
        except ValueError:
            q = 0.0
        if q > 0:
            ranked.append((-q, -(2 - kind.count("*")), order, kind))
    return [kind for *_, kind in sorted(ranked)]


@lru_cache(maxsize=512)  # a handful of Accept headers repeat on every request
def choose_format(kind: str, fmt: str | None, accept: str) -> str:
    """Format name for a `kind` ("results" or "graph") from `format`, else Accept, else default.

    An explicit `format` that does not fit raises ProtocolError(406); an Accept header that
    matches nothing gets the default format (RFC 9110 lets a server disregard Accept).
    """
    table = RESULT_TYPES if kind == "results" else GRAPH_TYPES
    aliases = _RESULT_ALIASES if kind == "results" else _GRAPH_ALIASES
    if fmt is not None:
        name = fmt.strip().lower()
        name = _media(name)[0] if "/" in name else name
        name = aliases.get(name, name)
        for key, media in table.items():
            if name in (key, media.split(";")[0]):
                return key
        offered = ", ".join(table)
        raise ProtocolError(406, f"format {fmt!r} does not fit this query; use one of: {offered}")
    by_type = {media.split(";")[0]: key for key, media in table.items()}
    by_type.update({k: v for k, v in aliases.items() if "/" in k})
    for media in accepted(accept):
        if media in by_type:
            return by_type[media]
        major = media.split("/")[0]
        if media == "*/*" or media.endswith("/*"):
            for key, full in table.items():
                if media == "*/*" or full.startswith(major + "/"):
                    return key
    return next(iter(table))


def _params(request: Request) -> dict[str, list[str]]:
    """URL parameters, plus the form body of a form POST; raises ProtocolError."""
    params = {k: list(v) for k, v in request.query.items()}
    if request.method != "POST":
        return params
    content_type = request.headers.get("content-type")
    if not content_type:
        raise ProtocolError(
            415, f"POST needs a Content-Type: {_QUERY} or {_FORM} (for updates: not accepted)"
        )
    media, ctype_params = _media(content_type)
    charset = ctype_params.get("charset", "utf-8").lower()
    if media in (_FORM, _QUERY, _UPDATE) and charset not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"charset {charset} is not supported; send UTF-8")
    body = _decode(request.body)
    if media == _FORM:
        for key, values in parse_qs(body, keep_blank_values=True).items():
            params.setdefault(key, []).extend(values)
    elif media == _QUERY:
        params.setdefault("query", []).append(body)
    elif media == _UPDATE:
        params.setdefault("update", []).append(body)
    else:
        raise ProtocolError(
            415, f"Content-Type {media} is not a SPARQL request; use {_QUERY} or {_FORM}"
        )
    return params


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ProtocolError(400, f"request body is not UTF-8 (byte {err.start})") from err


def parse_request(request: Request) -> ProtocolQuery | None:
    """The query operation of a protocol request, or None when it asks for the description.

    Raises ProtocolError with the protocol's status for everything else.
    """
    if request.method not in ("GET", "HEAD", "POST"):
        raise ProtocolError(
            405, f"{request.method} is not a SPARQL protocol method; use GET or POST"
        )
    params = _params(request)
    if "update" in params:
        raise ProtocolError(403, "SPARQL updates are not accepted: this endpoint is read-only")
    queries = params.get("query", [])
    if len(queries) > 1:
        raise ProtocolError(400, f"{len(queries)} query parameters given; send exactly one")
    formats = params.get("format", [])
    if not queries:
        if request.method == "POST":
            raise ProtocolError(400, "POST without a query parameter")
        return None
    if not queries[0].strip():
        raise ProtocolError(400, "the query parameter is empty")
    return ProtocolQuery(
        text=queries[0],
        default_graphs=tuple(params.get("default-graph-uri", [])),
        named_graphs=tuple(params.get("named-graph-uri", [])),
        format=formats[0] if formats else None,
        accept=request.headers.get("accept", "*/*") or "*/*",
    )


def endpoint_url(request: Request) -> str:
    """The URL a client used to reach /sparql (Host header, X-Forwarded-Proto)."""
    host = request.headers.get("host", "")
    if not host or any(c in host for c in "/\\@ <>\"'{}|^`") or len(host) > 255:
        host = "localhost"
    proto = request.headers.get("x-forwarded-proto", "http")
    scheme = "https" if proto.strip().lower() == "https" else "http"
    return f"{scheme}://{host}{request.path}"


class SparqlEndpoint:
    """The /sparql handler: protocol in, engine bytes out."""

    def __init__(
        self, evaluator: Evaluator, *, federated: Sequence[str] = (), limits_note: str = ""
    ) -> None:
        self.evaluator = evaluator
        self.federated = tuple(federated)
        self.limits_note = limits_note

    def __call__(self, request: Request, ctx: Context) -> Response | None:
        """Answer a protocol request; None for other paths."""
        if request.path not in PATHS:
            return None
        vary = (("Vary", "Accept"),)
        try:
            operation = parse_request(request)
            if operation is None:
                return self._description(request, ctx)
            result = self.evaluator.evaluate(operation)
        except ProtocolError as failed:
            allow = (("Allow", "GET, POST, HEAD, OPTIONS"),) if failed.status == 405 else ()
            return error(failed.status, failed.message, allow)
        if not result.truncated:
            return Response(200, result.media_type, result.body, vary)
        # 206 with a row range tells every client the result was cut (docs/sparql.md).
        cut = (
            ("Content-Range", f"rows 0-{result.max_rows - 1}/*"),
            ("Dlkg-Truncated", f"max-rows={result.max_rows}"),
        )
        return Response(206, result.media_type, result.body, vary + cut)

    def _description(self, request: Request, ctx: Context) -> Response:
        from .service_description import describe_service  # rdflib-free, but only needed here

        try:
            fmt = choose_format("graph", request.param("format"), request.headers.get("accept", ""))
        except ProtocolError as failed:
            return error(failed.status, failed.message)
        endpoints = [endpoint_url(request), ctx.iri_for_path("sparql")]
        body = describe_service(
            endpoints=endpoints,
            named_graphs=self.evaluator.named_graphs(),
            media_type=GRAPH_TYPES[fmt],
            federated=self.federated,
            comment=self.limits_note,
        )
        return Response(200, GRAPH_TYPES[fmt], body, (("Vary", "Accept"),))
