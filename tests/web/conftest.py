"""Live-server fixtures: a real pyoxigraph store and the real server on a free 127.0.0.1 port.

Two speeds (STYLE.md habit 8): most tests use a server started in-process (a thread running
`serve_forever`, workers as real subprocesses); `subprocess_server` runs
`python -m dlkg.web.app` as its own process, as `dlkg serve` would.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest

from dlkg.web.app import DlkgServer, create_server

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BASE = "https://w3id.org/dlkg/"
W3C = Path(__file__).resolve().parents[3] / "shared" / "w3c"


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
    ) -> Reply:
        """One request on a fresh connection; never raises on HTTP error statuses."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
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


def build_store(path: Path, *sources: tuple[Path, ox.RdfFormat, str | None]) -> Path:
    """A store at `path` from (file, format, graph IRI or None) sources."""
    store = ox.Store(str(path))
    for file, fmt, graph in sources:
        store.load(path=str(file), format=fmt, to_graph=ox.NamedNode(graph) if graph else None)
    store.flush()
    del store
    return path


@pytest.fixture(scope="session")
def web_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store of tests/fixtures/web_small_dataset.trig."""
    return build_store(
        tmp_path_factory.mktemp("web") / "store",
        (FIXTURES / "web_small_dataset.trig", ox.RdfFormat.TRIG, None),
    )


def serve_in_thread(**options: object) -> Iterator[Live]:
    """create_server(port=0, ...) running in a thread until the generator is closed."""
    server = create_server(host="127.0.0.1", port=0, **options)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    assert server.wait_ready(60), "the server's workers did not start"
    try:
        yield Live("127.0.0.1", server.port, server)
    finally:
        server.shutdown()
        thread.join(30)


@pytest.fixture(scope="session")
def live(web_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The server over the small dataset: 2 workers, 3 s timeout, 1000 rows, no pages."""
    yield from serve_in_thread(
        store_dir=web_store,
        build_dir=tmp_path_factory.mktemp("build"),
        base_iri=BASE,
        timeout_s=3.0,
        max_rows=1000,
        workers=2,
        default_pages=False,
    )


@pytest.fixture(scope="session")
def capped(web_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The same data with max_rows=3, to see results cut."""
    yield from serve_in_thread(
        store_dir=web_store,
        build_dir=tmp_path_factory.mktemp("build"),
        base_iri=BASE,
        max_rows=3,
        workers=1,
        default_pages=False,
    )


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


@pytest.fixture(scope="session")
def subprocess_server(web_store: Path) -> Iterator[Live]:
    """`python -m dlkg.web.app --store DIR --port 0` as its own process."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dlkg.web.app",
            "--store",
            str(web_store),
            "--port",
            "0",
            "--timeout",
            "3",
            "--no-pages",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "serving on http://" not in line:
        proc.kill()
        raise RuntimeError(
            f"server did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}"
        )
    port = int(line.rsplit(":", 1)[1].strip().rstrip("/"))
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
        if proc.returncode not in (0, -15):
            print(proc.stderr.read() if proc.stderr else "", file=sys.stderr)


@pytest.fixture(params=["in-process", "subprocess"])
def any_server(request: pytest.FixtureRequest) -> Live:
    """The in-process and the subprocess server, in turn."""
    name = "live" if request.param == "in-process" else "subprocess_server"
    server: Live = request.getfixturevalue(name)
    return server
