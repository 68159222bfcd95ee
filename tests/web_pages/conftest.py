"""Fixtures of the page tests: a real pyoxigraph store behind a tiny in-process QueryRunner.

The runner here is for tests only (the server's runner lives in app.py/workers.py); it queries
the union of the named graphs, as the served store does.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from dlkg.errors import QueryError
from dlkg.web.http import Context, Request, Response
from dlkg.web.pages import HANDLERS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DEFAULT_BASE = "https://w3id.org/dlkg/"
OTHER_BASE = "http://kg.example.org/data/"


class StoreRunner:
    """A QueryRunner over a pyoxigraph store (no worker processes, no timeouts)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.queries: list[str] = []

    def _run(self, query: str) -> object:
        self.queries.append(query)
        try:
            return self.store.query(query, use_default_graph_as_union=True)
        except SyntaxError as error:
            raise QueryError(f"bad query: {error}") from error

    def select(self, query: str) -> dict[str, object]:
        result = self._run(query)
        if isinstance(result, ox.QueryBoolean):
            return {"head": {}, "boolean": bool(result)}
        assert isinstance(result, ox.QuerySolutions), "select() needs SELECT or ASK"
        data = result.serialize(format=ox.QueryResultsFormat.JSON) or b"{}"
        parsed: dict[str, object] = json.loads(data)
        return parsed

    def graph(self, query: str, media_type: str) -> bytes:
        result = self._run(query)
        assert isinstance(result, ox.QueryTriples), "graph() needs CONSTRUCT or DESCRIBE"
        fmt = ox.RdfFormat.from_media_type(media_type)
        assert fmt is not None, media_type
        return ox.serialize(list(result), format=fmt) or b""


def load_store(*fixture_names: str, base: str = DEFAULT_BASE) -> ox.Store:
    """A store of the fixture files, their IRIs moved from the default base to `base`."""
    store = ox.Store()
    for name in fixture_names:
        text = (FIXTURES / name).read_text(encoding="utf-8").replace(DEFAULT_BASE, base)
        store.load(text.encode("utf-8"), format=ox.RdfFormat.TRIG)
    return store


def write_dumps(build_dir: Path) -> Path:
    """A dumps folder with three small files and their SHA256SUMS (one file left unlisted)."""
    dumps = build_dir / "dumps"
    dumps.mkdir(parents=True)
    files = {
        "dlkg.ttl": b"<https://w3id.org/dlkg/x> <https://w3id.org/dlkg/p> 1 .\n",
        "dlkg.nt": b'<https://w3id.org/dlkg/x> <https://w3id.org/dlkg/p> "1" .\n',
        "dlkg.nq.gz": b"\x1f\x8b\x08\x00fake gzip",
    }
    for name, data in files.items():
        (dumps / name).write_bytes(data)
    listed = ["dlkg.ttl", "dlkg.nq.gz"]
    sums = "".join(f"{hashlib.sha256(files[n]).hexdigest()}  {n}\n" for n in listed)
    (dumps / "SHA256SUMS").write_text(sums, encoding="ascii")
    (build_dir / "report.json").write_text('{"secret": "not a dump"}', encoding="utf-8")
    return dumps


Call = Callable[..., Response]


def make_call(ctx: Context) -> Call:
    """Dispatch a request through HANDLERS like the server does (first non-None answer)."""

    def call(
        path: str,
        accept: str | None = "text/html",
        method: str = "GET",
        query: dict[str, list[str]] | None = None,
        **headers: str,
    ) -> Response:
        all_headers = {k.replace("_", "-").lower(): v for k, v in headers.items()}
        if accept is not None:
            all_headers["accept"] = accept
        request = Request(method=method, path=path, query=query or {}, headers=all_headers)
        for handler in HANDLERS:
            response = handler(request, ctx)
            if response is not None:
                return response
        return Response(404, "text/plain", b"no handler\n")

    return call


@pytest.fixture()
def build_dir(tmp_path: Path) -> Path:
    path = tmp_path / "build"
    write_dumps(path)
    return path


@pytest.fixture()
def ctx(build_dir: Path) -> Context:
    store = load_store("pages_small.trig")
    return Context(
        runner=StoreRunner(store),
        base_iri=DEFAULT_BASE,
        build_dir=build_dir,
        queries_dir=FIXTURES / "pages_queries",
    )


@pytest.fixture()
def call(ctx: Context) -> Call:
    return make_call(ctx)


class _TestSparql:
    """A minimal /sparql for the fallback server: SELECT/ASK as JSON or CSV, graphs as Turtle."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def answer(self, query: str, fmt: str | None) -> tuple[int, str, bytes]:
        try:
            result = self.store.query(query, use_default_graph_as_union=True)
        except SyntaxError as error:
            return 400, "text/plain; charset=utf-8", f"bad query: {error}\n".encode()
        if isinstance(result, ox.QueryTriples):
            return 200, "text/turtle", ox.serialize(list(result), format=ox.RdfFormat.TURTLE) or b""
        if fmt == "csv":
            return (
                200,
                "text/csv; charset=utf-8",
                result.serialize(format=ox.QueryResultsFormat.CSV) or b"",
            )
        body = result.serialize(format=ox.QueryResultsFormat.JSON) or b""
        return 200, "application/sparql-results+json", body


def serve_handlers(ctx: Context, store: ox.Store) -> tuple[object, str]:
    """A ThreadingHTTPServer on 127.0.0.1 with HANDLERS and a tiny /sparql; (server, url)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qs, unquote, urlsplit

    sparql = _TestSparql(store)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
            pass

        def _respond(self, status: int, content_type: str, body: bytes, headers=()) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _handle(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            query = parse_qs(url.query)
            if url.path == "/sparql":
                if self.command == "POST":
                    query.update(parse_qs(body.decode("utf-8")))
                text = (query.get("query") or [""])[0]
                fmt = (query.get("format") or [None])[0]
                self._respond(*sparql.answer(text, fmt))
                return
            request = Request(
                method=self.command,
                path=unquote(url.path),
                query=query,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            for handler in HANDLERS:
                response = handler(request, ctx)
                if response is not None:
                    self._respond(
                        response.status, response.content_type, response.body, response.headers
                    )
                    return
            self._respond(404, "text/plain", b"not found\n")

        def do_GET(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

        def do_HEAD(self) -> None:
            self._handle()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def serve_app(store: ox.Store, tmp_path: Path, build_dir: Path) -> tuple[object, str] | None:
    """app.py's real server over an on-disk copy of `store`; None while app.py is absent."""
    try:
        from dlkg.web.app import create_server
    except ImportError:
        return None
    store_dir = tmp_path / "store"
    on_disk = ox.Store(str(store_dir))
    on_disk.bulk_extend(store.quads_for_pattern(None, None, None, None))
    on_disk.flush()
    del on_disk  # closes it: the server opens the folder read-only
    server = create_server(
        store_dir=store_dir,
        build_dir=build_dir,
        base_iri=DEFAULT_BASE,
        host="127.0.0.1",
        port=0,
        queries_dir=FIXTURES / "pages_queries",
        workers=1,
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    assert server.wait_ready(60), "the server's workers did not start"
    return server, f"http://127.0.0.1:{server.port}"


@pytest.fixture()
def live_url(tmp_path: Path, build_dir: Path) -> Iterator[str]:
    """A real HTTP server with HANDLERS over pages_small.trig (app.py's, else the stand-in)."""
    store = load_store("pages_small.trig")
    served = serve_app(store, tmp_path, build_dir)
    if served is None:
        ctx = Context(StoreRunner(store), DEFAULT_BASE, build_dir, FIXTURES / "pages_queries")
        served = serve_handlers(ctx, store)
    server, url = served
    try:
        yield url
    finally:
        server.shutdown()  # type: ignore[attr-defined]
