"""The SPARQL 1.1 Protocol at /sparql: request parsing, content negotiation, status codes.

Runs inside a worker process; evaluation itself is the `Evaluator`'s job (runner.py), so this
module is plain request-in, response-out logic. Formats and negotiation: `dlkg.formats`. Spec: https://www.w3.org/TR/sparql11-protocol/
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, cast, runtime_checkable
from urllib.parse import parse_qs

from ... import formats
from ...errors import ProtocolError
from ..http import Context, Request, Response, error_response

ALLOW = (("Allow", "GET, POST, HEAD, OPTIONS"),)

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


@runtime_checkable
class Evaluator(Protocol):
    """Evaluates a protocol query into serialized bytes; raises ProtocolError."""

    def evaluate(self, query: ProtocolQuery) -> Evaluated: ...

    def named_graphs(self) -> list[str]: ...


def _media(value: str) -> tuple[str, dict[str, str]]:
    kind, _, rest = value.partition(";")
    params = {}
    for part in rest.split(";"):
        name, _, val = part.partition("=")
        if name.strip():
            params[name.strip().lower()] = val.strip().strip('"')
    return kind.strip().lower(), params


@lru_cache(maxsize=512)  # a handful of Accept headers repeat on every request
def choose_format(kind: str, fmt: str | None, accept: str) -> formats.Format:
    """The format of a `kind` ("results" or "graph") answer: `format=`, else Accept, else default.

    An explicit `format` that does not fit raises ProtocolError(406); an Accept header that
    matches nothing gets the default format unless it refused it with q=0 (then 406 too).
    """
    offered = formats.RESULT_FORMATS if kind == "results" else formats.GRAPH_FORMATS
    if fmt is not None:
        found = formats.by_name(fmt, offered)
        if found is None:
            names = ", ".join(f.key for f in offered)
            raise ProtocolError(406, f"format {fmt!r} does not fit this query; use one of: {names}")
        return found
    chosen = formats.negotiate(accept, offered, fallback=True)
    if chosen is None:
        types = ", ".join(f.media_type for f in offered)
        raise ProtocolError(406, f"not acceptable; this query's result can be: {types}")
    return chosen


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


def sparql_handler(request: Request, ctx: Context) -> Response:
    """The /sparql route: protocol in, engine bytes out; the service description without query."""
    evaluator = cast(Evaluator, ctx.runner)  # checked below, as cheaply as it can be
    # Not isinstance(.., Evaluator): a runtime Protocol check costs ~10 µs per request.
    assert hasattr(evaluator, "evaluate"), "the site's runner evaluates protocol queries"
    vary = (("Vary", "Accept"),)
    try:
        operation = parse_request(request)
        if operation is None:
            return _description(request, ctx, evaluator)
        result = evaluator.evaluate(operation)
    except ProtocolError as failed:
        extra = ALLOW if failed.status == 405 else vary if failed.status == 406 else ()
        if failed.detail is not None:
            if _names_json(request.headers.get("accept", "")):
                return _json_error(failed)
            extra = vary  # the body depends on Accept
        return error_response(failed.status, failed.message, headers=extra)
    if not result.truncated:
        return Response(200, result.media_type, result.body, vary)
    # 206 with a row range tells every client the result was cut (docs/sparql.md).
    cut = (
        ("Content-Range", f"rows 0-{result.max_rows - 1}/*"),
        ("Dlkg-Truncated", f"max-rows={result.max_rows}"),
    )
    return Response(206, result.media_type, result.body, vary + cut)


def _names_json(accept: str) -> bool:
    """The client names `application/json` itself (a wildcard or SPARQL's own JSON results type
    keep the one-line text error every SPARQL client expects)."""
    return any(
        r.type == "application" and r.subtype == "json" and r.q > 0
        for r in formats.parse_accept(accept)
    )


def _json_error(failed: ProtocolError) -> Response:
    """The error as JSON: `error` is the one line of the text body, the rest is detail (for a
    syntax error: `line`, `column` and the parser's full `detail`)."""
    import json

    body = {
        **(failed.detail or {}),
        "error": " ".join(failed.message.split()),
        "status": failed.status,
    }
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return Response(failed.status, "application/json", data, (("Vary", "Accept"),))


def _description(request: Request, ctx: Context, evaluator: Evaluator) -> Response:
    from .service_description import describe_service  # only needed here

    fmt = choose_format("graph", request.param("format"), request.headers.get("accept", ""))
    body = describe_service(
        endpoints=[endpoint_url(request), ctx.iri_for_path("sparql")],
        named_graphs=evaluator.named_graphs(),
        fmt=fmt,
        federated=ctx.federated,
        comment=ctx.limits_note,
    )
    return Response(200, fmt.content_type, body, (("Vary", "Accept"),))
