"""Real SPARQL stores on 127.0.0.1 for the push tests: Oxigraph server and Virtuoso.

Each runs from a private temporary folder on free ports and is stopped by the fixture that
started it. Oxigraph's binary comes with the `oxigraph` PyPI package (the `bench` extra);
Virtuoso with Debian's virtuoso-opensource (`make store-deps` installs it when root).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests


@dataclass(frozen=True)
class RunningStore:
    kind: str  # "oxigraph" or "virtuoso", as `dlkg push --store`
    url: str
    user: str | None = None
    password: str | None = None
    pid: int | None = None  # the server process, for its peak memory (bench/bench_load.py)
    sql_port: int | None = None  # Virtuoso's isql port, for its bulk loader


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, proc: subprocess.Popen[bytes], timeout_s: float, log: Path) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"store exited with {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            if requests.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"store not ready after {timeout_s} s: {log.read_text()[-2000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


@contextmanager
def oxigraph_server(folder: Path, *options: str) -> Iterator[RunningStore]:
    """An Oxigraph server on a free port; `options` are added to `oxigraph serve`."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("oxigraph server binary not found (pip install 'oxigraph', the bench extra)")
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "oxigraph.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                binary,
                "serve",
                "--location",
                str(folder / "db"),
                "--bind",
                f"127.0.0.1:{port}",
                *options,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait(f"http://127.0.0.1:{port}/query", proc, 60, log)
        yield RunningStore("oxigraph", f"http://127.0.0.1:{port}", pid=proc.pid)
    finally:
        _stop(proc)


_VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
DirsAllowed = ., {d}
TransactionAfterImageLimit = {after_image}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}/vsp
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 300
"""


@contextmanager
def virtuoso_server(
    folder: Path, *, after_image: int = 1_500_000_000, buffers: int = 20_000
) -> Iterator[RunningStore]:
    """Virtuoso on 127.0.0.1 with a private database. `after_image`: the most bytes one
    transaction may change (TransactionAfterImageLimit; Virtuoso's default of 50 MB aborts
    the switch of an x100 build, so this raises it as docs/scale.md tells operators to).
    `buffers`: NumberOfBuffers, 8 KB pages of cache (about the server's memory)."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.skip(
            "virtuoso-t not installed (Debian package virtuoso-opensource; "
            "`make store-deps` installs it when run as root)"
        )
    http_port, sql_port = free_port(), free_port()
    (folder / "vsp").mkdir(parents=True, exist_ok=True)
    ini = folder / "virtuoso.ini"
    ini.write_text(
        _VIRTUOSO_INI.format(
            d=folder,
            sql_port=sql_port,
            http_port=http_port,
            after_image=after_image,
            buffers=buffers,
            dirty=buffers * 3 // 4,
        )
    )
    log = folder / "virtuoso.log"
    with (folder / "stdout.log").open("wb") as out:
        # -f: stay in the foreground, so terminate() reaches the server itself
        proc = subprocess.Popen([binary, "-f", "-c", str(ini)], stdout=out, stderr=out, cwd=folder)
    try:
        log.touch()
        _wait(f"http://127.0.0.1:{http_port}/sparql", proc, 180, log)
        # A fresh database's administrator is dba/dba; the authenticated endpoints need it.
        yield RunningStore(
            "virtuoso", f"http://127.0.0.1:{http_port}", "dba", "dba", proc.pid, sql_port
        )
    finally:
        _stop(proc)


@contextmanager
def faulty_proxy(target: str, faults: dict[int, int]) -> Iterator[str]:
    """A proxy on 127.0.0.1 to `target` that answers the n-th upload (PUT or POST with a body,
    counted from 1) with `faults[n]` instead of forwarding it, as a store failing midway would.
    Everything else, authentication challenges included, is forwarded unchanged."""
    import http.server
    import threading

    uploads = 0
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def _forward(self) -> None:
            nonlocal uploads
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            fault = None
            if self.command in ("PUT", "POST") and "graph=" in self.path:
                with lock:
                    uploads += 1
                    fault = faults.get(uploads)
            if fault is not None:
                self.send_response(fault)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            answer = requests.request(
                self.command, target + self.path, data=body, headers=headers, timeout=300
            )
            self.send_response(answer.status_code)
            for key, value in answer.headers.items():
                if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(answer.content)))
            self.end_headers()
            self.wfile.write(answer.content)

        do_GET = do_POST = do_PUT = do_DELETE = _forward  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
