"""Query evaluation inside worker processes.

A worker is `python -m dlkg.web.workers FD`: it opens the store read-only, then answers HTTP
requests that the front process (app.py, pool.py) forwards over a Unix socket, running the
handler chain (/sparql first, then the page handlers) and sending back the complete HTTP
response bytes. The front kills a worker that overruns its deadline and starts a new one, so
neither a slow query nor an engine crash can take the server down.

`LocalRunner` is the evaluation itself (guard, row cap, engine-serialized bytes); it is also
the `QueryRunner` that page handlers get in a worker, and usable alone in tests.
"""

from __future__ import annotations

import binascii
import json
import pickle
import re
import socket
import struct
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox

from ..errors import QueryError
from ..namespaces import PREFIXES
from .guard import GuardError, GuardLimits, cap_rows, inspect_query
from .http import Context, Handler, Request, Response
from .sparql import (
    GRAPH_TYPES,
    RESULT_TYPES,
    Evaluated,
    ProtocolError,
    ProtocolQuery,
    SparqlEndpoint,
    choose_format,
    error,
)

_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
_TSV = ox.QueryResultsFormat.TSV
_NT = ox.RdfFormat.N_TRIPLES
_FRAME = struct.Struct("!I")
EXPOSED_HEADERS = "Content-Range, Dlkg-Truncated, Content-Length"


class RunnerError(QueryError):
    """A query the runner will not evaluate or that failed; `status` is its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class RunnerSettings:
    """How queries are bounded and which dataset they see."""

    base_iri: str
    max_rows: int = 10_000
    limits: GuardLimits = field(default_factory=GuardLimits)
    allowed_services: tuple[str, ...] = ()


class LocalRunner:
    """Evaluates queries on an open store: guard first, then the engine, bytes out.

    Implements `http.QueryRunner` and `sparql.Evaluator`. Timeouts are not its business:
    the process running it is killed when a request overruns (pool.py).
    """

    def __init__(self, store: ox.Store, settings: RunnerSettings) -> None:
        self.store = store
        self.settings = settings

    def evaluate(self, query: ProtocolQuery) -> Evaluated:
        """Run a protocol query; raise ProtocolError with the status and a one-line reason."""
        cfg = self.settings
        try:
            shape = inspect_query(query.text, cfg.limits, cfg.allowed_services)
        except GuardError as refusal:
            status = 403 if refusal.kind == "service" else 400
            raise ProtocolError(status, refusal.message) from None
        options = {
            "base_iri": cfg.base_iri + "sparql",
            **self._dataset(query, has_from=shape.has_dataset),
        }
        try:
            result = self.store.query(cap_rows(query.text, shape, cfg.max_rows), **options)  # type: ignore[arg-type]
        except SyntaxError:
            raise self._syntax_error(query.text, options) from None
        except (OSError, RuntimeError, ValueError):
            # Engine text may quote remote bodies or internals, and its exception class tells
            # a refused connection from an answered one (a port scanner): say neither.
            raise ProtocolError(500, "query evaluation failed") from None
        kind = "graph" if isinstance(result, ox.QueryTriples) else "results"
        name = choose_format(kind, query.format, query.accept)
        try:
            if isinstance(result, ox.QueryTriples):
                return self._graph(result, name)
            if isinstance(result, ox.QueryBoolean):
                body = result.serialize(format=_RESULT_FORMATS[name]) or b""
                return Evaluated(body, RESULT_TYPES[name])
            return self._solutions(result, name)
        except (OSError, RuntimeError, ValueError):
            raise ProtocolError(500, "query evaluation failed") from None

    def _syntax_error(self, text: str, options: dict[str, object]) -> ProtocolError:
        """The parser's message for the user's own text (line and column), not the capped one."""
        try:
            self.store.query(text, **options)  # type: ignore[arg-type]
        except SyntaxError as err:
            return ProtocolError(400, f"malformed query: {err}")
        except (OSError, RuntimeError, ValueError):
            pass
        return ProtocolError(
            400, f"cannot bound this query's rows; add LIMIT {self.settings.max_rows}"
        )

    def _dataset(self, query: ProtocolQuery, *, has_from: bool) -> dict[str, object]:
        if not query.default_graphs and not query.named_graphs:
            # The served dataset: default graph = union of the named graphs, unless FROM says.
            return {} if has_from else {"use_default_graph_as_union": True}
        try:
            return {
                "default_graph": [ox.NamedNode(g) for g in query.default_graphs],
                "named_graphs": [ox.NamedNode(g) for g in query.named_graphs],
            }
        except ValueError:
            raise ProtocolError(400, "default-graph-uri and named-graph-uri must be IRIs") from None

    def _solutions(self, result: ox.QuerySolutions, name: str) -> Evaluated:
        max_rows = self.settings.max_rows
        if name in ("json", "xml"):
            # Every row takes at least 2 bytes, so a short body cannot hold max_rows + 1 rows:
            # the common small answer goes out exactly as the engine wrote it.
            body = result.serialize(format=_RESULT_FORMATS[name]) or b""
            if len(body) < 2 * (max_rows + 1):
                return Evaluated(body, RESULT_TYPES[name])
            tsv = ox.parse_query_results(body, _RESULT_FORMATS[name]).serialize(format=_TSV)
        else:
            body, tsv = b"", result.serialize(format=_TSV)
        # TSV has one row per line, so counting and cutting are exact; other formats are
        # re-serialized from it by the engine (no Python object per row).
        tsv = tsv or b""
        truncated = tsv.count(b"\n") - 1 > max_rows
        if truncated:
            tsv = tsv[: _nth_newline(tsv, max_rows + 1) + 1]
        if name == "tsv":
            body = tsv
        elif truncated or not body:
            parsed = ox.parse_query_results(tsv, _TSV)
            body = parsed.serialize(format=_RESULT_FORMATS[name]) or b""
        if truncated and name == "json":
            body = body.rstrip()[:-1] + b',"truncated":true}'  # visible in the body too
        return Evaluated(body, RESULT_TYPES[name], truncated, max_rows)

    def _graph(self, result: ox.QueryTriples, name: str) -> Evaluated:
        nt = result.serialize(format=_NT) or b""
        max_rows = self.settings.max_rows
        truncated = nt.count(b"\n") > max_rows
        if truncated:
            nt = nt[: _nth_newline(nt, max_rows) + 1]
        if name == "ntriples":
            return Evaluated(nt, GRAPH_TYPES[name], truncated, max_rows)
        triples = ox.parse(nt, _NT)
        body = ox.serialize(triples, format=_GRAPH_FORMATS[name], prefixes=PREFIXES) or b""
        return Evaluated(body, GRAPH_TYPES[name], truncated, max_rows)

    def named_graphs(self) -> list[str]:
        """IRIs of the store's named graphs."""
        return [g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)]

    # http.QueryRunner
    def select(self, query: str) -> dict[str, object]:
        """SPARQL JSON results of a SELECT/ASK as a dict (`"truncated": true` when cut)."""
        result = self._run(ProtocolQuery(query, format="json"), "SELECT or ASK")
        parsed: dict[str, object] = json.loads(result.body)
        return parsed

    def graph(self, query: str, media_type: str) -> bytes:
        """Serialized RDF of a CONSTRUCT/DESCRIBE in `media_type`."""
        return self._run(ProtocolQuery(query, format=media_type), "CONSTRUCT or DESCRIBE").body

    def _run(self, query: ProtocolQuery, expected: str) -> Evaluated:
        try:
            return self.evaluate(query)
        except ProtocolError as failed:
            message = failed.message
            if failed.status == 406:
                message = f"not a {expected} query: {failed.message}"
            raise RunnerError(failed.status, message) from None


def _nth_newline(data: bytes, n: int) -> int:
    """Index of the n-th (1-based) newline in data."""
    at = -1
    for _ in range(n):
        at = data.index(b"\n", at + 1)
    return at


@dataclass(frozen=True)
class WorkerSettings:
    """Everything a worker process needs; sent by the front over the worker's socket."""

    store_dir: Path
    build_dir: Path
    queries_dir: Path
    runner: RunnerSettings
    timeout_s: float
    handlers: bytes = b""  # pickled extra handlers (module-level callables)
    default_pages: bool = True  # add dlkg.web.pages.HANDLERS when that module exists
    sys_path: tuple[str, ...] = ()
    memory_limit: int | None = None  # bytes of address space; None = unlimited
    snapshot: Path | None = None  # N-Quads copy of the store to hold in memory instead


def open_store(settings: WorkerSettings) -> ox.Store:
    """The worker's store: an in-memory copy of the snapshot, else the store read-only."""
    if settings.snapshot is None:
        return ox.Store.read_only(str(settings.store_dir))
    store = ox.Store()
    store.bulk_load(path=str(settings.snapshot), format=ox.RdfFormat.N_QUADS)
    return store


def pages_handlers() -> list[Handler]:
    """`dlkg.web.pages.HANDLERS`, or nothing while that module does not exist."""
    try:
        from . import pages
    except ModuleNotFoundError as err:
        if err.name != "dlkg.web.pages":
            raise
        return []
    return list(pages.HANDLERS)


def build_chain(settings: WorkerSettings, runner: LocalRunner) -> list[Handler]:
    """The handlers in routing order: /sparql, the extra ones, then the pages."""
    note = (
        f"Read-only. Each query runs at most {settings.timeout_s:g} s and returns at most "
        f"{settings.runner.max_rows} rows; a longer result answers 206 with Content-Range."
    )
    chain: list[Handler] = [
        SparqlEndpoint(runner, federated=settings.runner.allowed_services, limits_note=note)
    ]
    if settings.handlers:
        chain += pickle.loads(settings.handlers)  # noqa: S301  (from our own parent process)
    if settings.default_pages:
        chain += pages_handlers()
    return chain


def parse_head(head: bytes, body: bytes) -> Request:
    """A Request from raw HTTP head bytes (request line + headers) and the body."""
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        key = name.strip().lower()
        if key:
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    path, _, query = target.partition("?")
    return Request(method, unquote(path), parse_query_string(query), headers, body)


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def parse_query_string(query: str) -> dict[str, list[str]]:
    """`parse_qs(query, keep_blank_values=True)`, percent-decoding in C where it can.

    A query string holds a few hundred escapes, and urllib decodes them in a Python loop per
    escape: a measurable share of a lookup. Quoted-printable decoding does the same in C once
    every '%' is spelled '='; text where that could differ takes urllib's path.
    """
    params: dict[str, list[str]] = {}
    for pair in query.split("&"):
        if pair:
            name, _, value = pair.partition("=")
            params.setdefault(_unquote_plus(name), []).append(_unquote_plus(value))
    return params


def _unquote_plus(text: str) -> str:
    text = text.replace("+", " ")
    if "%" not in text:
        return text
    if "=" in text or not text.isascii() or _BAD_ESCAPE.search(text):
        return unquote(text)
    return binascii.a2b_qp(text.replace("%", "=").encode("ascii")).decode("utf-8", "replace")


def encode_response(response: Response, *, head_only: bool, close: bool) -> bytes:
    """The full HTTP/1.1 response bytes, with CORS and framing headers."""
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = "Status"
    lines = [
        f"HTTP/1.1 {response.status} {reason}",
        f"Content-Type: {response.content_type}",
        f"Content-Length: {len(response.body)}",
        "Access-Control-Allow-Origin: *",
        f"Access-Control-Expose-Headers: {EXPOSED_HEADERS}",
    ]
    lines += [f"{name}: {value}" for name, value in response.headers]
    if close:
        lines.append("Connection: close")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head if head_only else head + response.body


def handle(chain: Sequence[Handler], ctx: Context, request: Request) -> Response:
    """Route a request through the chain; HEAD falls back to GET; else 404."""
    for attempt in (request, _as_get(request)):
        if attempt is None:
            continue
        for handler in chain:
            response = handler(attempt, ctx)
            if response is not None:
                return response
    return error(404, f"nothing here: {request.path}")


def _as_get(request: Request) -> Request | None:
    if request.method != "HEAD":
        return None
    return Request("GET", request.path, request.query, request.headers, request.body)


def read_frame(sock: socket.socket) -> bytes | None:
    """One length-prefixed frame, or None at end of stream."""
    header = _recv_exact(sock, _FRAME.size)
    if header is None:
        return None
    return _recv_exact(sock, _FRAME.unpack(header)[0])


def _recv_exact(sock: socket.socket, size: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(min(size - len(chunks), 1 << 20))
        if not chunk:
            return None
        chunks += chunk
    return bytes(chunks)


def write_frame(sock: socket.socket, payload: bytes) -> None:
    """Send one length-prefixed frame."""
    sock.sendall(_FRAME.pack(len(payload)) + payload)


def serve(sock: socket.socket) -> None:
    """The worker loop: settings, store, READY, then one response per request frame."""
    frame = read_frame(sock)
    if frame is None:
        return
    settings: WorkerSettings = pickle.loads(frame)  # noqa: S301  (from our own parent process)
    sys.path[:0] = [p for p in settings.sys_path if p not in sys.path]
    if settings.memory_limit:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (settings.memory_limit, settings.memory_limit))
    try:
        store = open_store(settings)
        runner = LocalRunner(store, settings.runner)
        ctx = Context(runner, settings.runner.base_iri, settings.build_dir, settings.queries_dir)
        chain = build_chain(settings, runner)
    except Exception as err:  # any failure to start is reported to the front, then we exit
        write_frame(sock, b"ERROR " + " ".join(str(err).split())[:300].encode())
        return
    write_frame(sock, b"READY")
    while (job := read_frame(sock)) is not None:
        write_frame(sock, answer(chain, ctx, job))


def answer(chain: Sequence[Handler], ctx: Context, job: bytes) -> bytes:
    """Response bytes for a job frame: flags byte, head, CRLFCRLF, body."""
    close = job[0] == 1
    head, _, body = job[1:].partition(b"\r\n\r\n")
    try:
        request = parse_head(head, body)
    except ValueError:
        return encode_response(error(400, "malformed request"), head_only=False, close=close)
    try:
        response = handle(chain, ctx, request)
    except RunnerError as refused:
        response = error(refused.status, refused.message)
    except Exception:
        traceback.print_exc(file=sys.stderr)
        response = error(500, "internal error while handling the request")
    return encode_response(response, head_only=request.method == "HEAD", close=close)


def main(argv: Sequence[str]) -> None:
    """Entry point of a worker process: argv[0] is the inherited socket's file descriptor."""
    sock = socket.socket(fileno=int(argv[0]))
    try:
        serve(sock)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the front went away: nothing left to answer
    finally:
        sock.close()


if __name__ == "__main__":
    main(sys.argv[1:])
