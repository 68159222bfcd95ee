"""What the web tests share: talking to a live server, starting one, small real stores.

Tests import from here (never from each other or from conftest.py); the fixtures that use
these live in tests/web/conftest.py.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox

from dlkg.web.http import Request, Response
from dlkg.web.server.serve import DlkgServer, create_server
from dlkg.web.server.settings import ServeSettings
from dlkg.web.site.app import Site, build_site

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BASE = "https://w3id.org/dlkg/"
OTHER_BASE = "http://kg.example.org/data/"
# The W3C test suites sit next to the upstream mirror (../shared/w3c beside ../shared/upstream).
_MIRROR = os.environ.get("DLKG_MIRROR") or str(
    Path(__file__).resolve().parents[2].parent / "shared" / "upstream"
)
W3C = Path(_MIRROR).parent / "w3c"
PAGE_QUERIES = FIXTURES / "pages_queries"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


@dataclass
class Live:
    """A running server and how to talk to it."""

    host: str
    port: int
    server: DlkgServer | None = None  # None for the subprocess server

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30,
        source: str | None = None,
    ) -> Reply:
        """One request on a fresh connection; never raises on HTTP error statuses.

        `source`: the local address to connect from (127.0.0.2, ...: another client).
        """
        address = (source, 0) if source else None
        conn = http.client.HTTPConnection(
            self.host, self.port, timeout=timeout, source_address=address
        )
        try:
            conn.request(method, target, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
        finally:
            conn.close()

    def get(self, query: str | None = None, accept: str | None = None, **params: str) -> Reply:
        """GET /sparql with the query and other protocol parameters in the URL."""
        args = ({"query": query} if query is not None else {}) | params
        target = "/sparql" + ("?" + urlencode(args) if args else "")
        return self.request("GET", target, headers={"Accept": accept} if accept else {})

    def post_form(self, query: str, accept: str | None = None, **params: str) -> Reply:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if accept:
            headers["Accept"] = accept
        body = urlencode({"query": query} | params).encode()
        return self.request("POST", "/sparql", body, headers)

    def post_direct(self, query: str, accept: str | None = None) -> Reply:
        headers = {"Content-Type": "application/sparql-query"}
        if accept:
            headers["Accept"] = accept
        return self.request("POST", "/sparql", query.encode("utf-8"), headers)


def one_line_error(reply: Reply, status: int) -> str:
    assert reply.status == status, reply.body
    assert reply.content_type == "text/plain"
    text: str = reply.text
    assert text.endswith("\n") and text.count("\n") == 1
    return text


def build_store(path: Path, *sources: tuple[Path, ox.RdfFormat, str | None]) -> Path:
    """A store at `path` from (file, format, graph IRI or None) sources."""
    store = ox.Store(str(path))
    for file, fmt, graph in sources:
        store.load(path=str(file), format=fmt, to_graph=ox.NamedNode(graph) if graph else None)
    store.flush()
    del store
    return path


def serve_in_thread(**options: object) -> Iterator[Live]:
    """create_server(port=0, ...) running in a thread until the generator is closed."""
    settings = ServeSettings(host="127.0.0.1", port=0, **options)  # type: ignore[arg-type]
    server = create_server(settings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    assert server.wait_ready(60), "the server's workers did not start"
    try:
        yield Live("127.0.0.1", server.port, server)
    finally:
        server.shutdown()
        thread.join(30)


def wait_until_responds(live: Live, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if live.request("GET", "/sparql?query=ASK%7B%7D", timeout=2).status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not respond in time")


def build_dir_for(store_dir: Path, build_dir: Path) -> Path:
    """A `--build-dir` whose current build is `store_dir` (as `dlkg build` would lay it out)."""
    current = build_dir / "current"
    current.mkdir(parents=True)
    (current / "store").symlink_to(store_dir.resolve())
    return build_dir


def dlkg_serve(build_dir: Path, *options: str) -> Iterator[Live]:
    """`dlkg --build-dir DIR serve --port 0 OPTIONS` as its own process, until closed."""
    dlkg = Path(sys.executable).with_name("dlkg")
    proc = subprocess.Popen(
        [str(dlkg), "--build-dir", str(build_dir), "serve", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "serving" not in line or "http://" not in line:
        proc.kill()
        raise RuntimeError(
            f"server did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}"
        )
    port = int(line.split("http://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])
    live = Live("127.0.0.1", port)
    try:
        wait_until_responds(live, proc)
        yield live
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.returncode not in (0, 1, -15):
            print(proc.stderr.read() if proc.stderr else "", file=sys.stderr)


# --- the site without a server: real runner over a small real store -------------------------


def load_store(*fixture_names: str, base: str = BASE) -> ox.Store:
    """An in-memory store of the fixture files, their IRIs moved from the default base to `base`."""
    store = ox.Store()
    for name in fixture_names:
        text = (FIXTURES / name).read_text(encoding="utf-8").replace(BASE, base)
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


def site_over(
    store: ox.Store, build_dir: Path, *, base: str = BASE, queries_dir: Path = PAGE_QUERIES
) -> Site:
    """The real site (routes, runner, pages) over `store`, as a worker builds it."""
    return build_site(store, base_iri=base, build_dir=build_dir, queries_dir=queries_dir)


def make_call(site: Site) -> Call:
    """Send a request through the site's route table, as a worker does."""

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
        return site(Request(method=method, path=path, query=query or {}, headers=all_headers))

    return call


def on_disk(store: ox.Store, store_dir: Path) -> Path:
    """An on-disk copy of an in-memory store, closed so a server can open it read-only."""
    copy = ox.Store(str(store_dir))
    copy.bulk_extend(store.quads_for_pattern(None, None, None, None))
    copy.flush()
    del copy
    return store_dir


# --- an app for the server tests: the site, plus one page that never finishes ---------------


@dataclass(frozen=True)
class SlowApp:
    site: Site

    def __call__(self, request: Request) -> Response:
        if request.path != "/slow":
            return self.site(request)
        self.site.ctx.runner.select(
            "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
        )
        return Response(200, "text/plain", b"should not happen\n")


def slow_app(settings: ServeSettings, store: ox.Store) -> SlowApp:
    """`ServeSettings(app="web.helpers:slow_app")`: the site with a /slow page."""
    from dlkg.web.site.app import create_app

    return SlowApp(create_app(settings, store))


# --- reading pages --------------------------------------------------------------------------


def person_papers(page: str) -> list[str]:
    """The paper IRIs of a person page's papers table, in page order."""
    table = re.search(r'<table[^>]*id="person-papers".*?</table>', page, re.S)
    assert table, "the page has no papers table"
    return re.findall(r'<tr data-paper="([^"]+)"', table.group(0))


def person_coauthors(page: str) -> dict[str, int]:
    """Co-author IRI -> number of shared papers, as a person page lists them."""
    found = re.findall(r'<li data-person="([^"]+)" data-papers="(\d+)"', page)
    return {person: int(count) for person, count in found}


def vary_names(headers: Mapping[str, str]) -> set[str]:
    """The header names a response's Vary lists (any case of the header name)."""
    value = next((v for k, v in headers.items() if k.lower() == "vary"), "")
    return {name.strip() for name in value.split(",") if name.strip()}


@dataclass(frozen=True)
class GreedyApp:
    site: Site

    def __call__(self, request: Request) -> Response:
        if request.path != "/greedy":
            return self.site(request)
        # Far more than any worker's memory ceiling: Python raises MemoryError.
        blob = bytearray(1 << 40)
        return Response(200, "text/plain", f"should not happen {len(blob)}\n".encode())


def greedy_app(settings: ServeSettings, store: ox.Store) -> GreedyApp:
    """`ServeSettings(app="web.helpers:greedy_app")`: the site with a /greedy page."""
    from dlkg.web.site.app import create_app

    return GreedyApp(create_app(settings, store))


def settle(live: Live, timeout: float = 60, idle: int | None = None) -> None:
    """Wait until the server's pool has `idle` idle workers (default: its resting size, with
    nothing queued).

    Timing tests start from here: a previous test's killed workers may still be starting.
    """
    assert live.server is not None
    pool = live.server.pool
    want = pool.min_workers + pool.reserve if idle is None else idle
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready = [w for w in list(pool.workers) if w.state == "idle"]
        if len(ready) >= want and (idle is not None or not pool.queue):
            return
        time.sleep(0.05)
    states = sorted(
        f"{w.state}{'/leasing' if w.leasing else ''}{'/demoted' if w.demoted else ''}"
        for w in list(pool.workers)
    )
    raise AssertionError(
        f"the pool did not settle in {timeout:.0f} s: want {want} idle, workers {states}"
        f" (ceiling {pool.max_workers}), {len(pool.queue)} queued"
    )
