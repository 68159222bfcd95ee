"""Leased connections (lease.py, pool_leases.py) against the real server and real workers.

A spare worker takes a keep-alive connection along with its request and answers the next
ones on the client's socket itself; everything the front decides (refusals, OPTIONS, the
time limit, the reserve) must stay exactly as without leases.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from dlkg.web.server.settings import Limits

from ..helpers import BASE, Live, serve_in_thread

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?p }"


def get(query: str, extra: str = "") -> bytes:
    target = "/sparql?query=" + quote(query, safe="")
    accept = "Accept: application/sparql-results+json\r\n"
    return f"GET {target} HTTP/1.1\r\nHost: t\r\n{accept}{extra}\r\n".encode()


def numbered(n: int, extra: str = "") -> bytes:
    return get(f"SELECT ({n} AS ?n) {{}}", extra)


def read_response(sock: socket.socket, buf: bytearray) -> tuple[int, dict[str, str], bytes]:
    """One response from `sock` (bytes past it stay in `buf`)."""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before a response")
        buf += chunk
    end = buf.index(b"\r\n\r\n")
    lines = bytes(buf[:end]).decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
    length = int(headers["content-length"])
    while len(buf) < end + 4 + length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed inside a response")
        buf += chunk
    body = bytes(buf[end + 4 : end + 4 + length])
    del buf[: end + 4 + length]
    return int(lines[0].split()[1]), headers, body


def value(body: bytes) -> str:
    return str(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def all_idle(live: Live) -> None:
    """Wait until every worker the pool keeps at rest is up and idle: a lease takes only a
    worker beyond the reserve, and on a loaded machine workers start one by one."""
    assert live.server is not None
    pool = live.server.pool
    deadline = time.monotonic() + 60
    while len(pool.idle) < pool.min_workers + pool.reserve:
        assert time.monotonic() < deadline, "the pool's workers did not all start"
        time.sleep(0.05)


@pytest.fixture()
def conn(live: Live) -> Iterator[socket.socket]:
    all_idle(live)
    with socket.create_connection((live.host, live.port), timeout=15) as sock:
        yield sock


def test_a_keep_alive_connection_is_answered_by_a_worker_holding_it(
    live: Live, conn: socket.socket
) -> None:
    assert live.server is not None
    pool = live.server.pool
    leased, answered = pool.leased, pool.lease_answers
    buf = bytearray()
    for n in range(30):
        conn.sendall(numbered(n))
        status, headers, body = read_response(conn, buf)
        assert (status, value(body)) == (200, str(n))
        assert headers["x-content-type-options"] == "nosniff"
    conn.sendall(b"OPTIONS /sparql HTTP/1.1\r\nHost: t\r\n\r\n")  # only the front answers it
    assert read_response(conn, buf)[0] == 204
    conn.sendall(numbered(99))
    assert value(read_response(conn, buf)[2]) == "99"
    assert pool.leased > leased
    # the worker gave the connection back for the OPTIONS request and said what it answered
    assert pool.lease_answers - answered >= 25


def test_pipelined_requests_on_a_leased_connection_answer_in_order(conn: socket.socket) -> None:
    buf = bytearray()
    conn.sendall(numbered(0))
    assert value(read_response(conn, buf)[2]) == "0"
    conn.sendall(b"".join(numbered(n) for n in range(1, 8)))
    assert [value(read_response(conn, buf)[2]) for _ in range(1, 8)] == [
        str(n) for n in range(1, 8)
    ]


def test_the_fronts_refusals_hold_on_a_leased_connection(conn: socket.socket) -> None:
    buf = bytearray()
    conn.sendall(numbered(1))
    assert read_response(conn, buf)[0] == 200
    conn.sendall(b"DELETE /sparql HTTP/1.1\r\nHost: t\r\n\r\n")
    assert read_response(conn, buf)[0] == 405
    conn.sendall(numbered(2))
    assert value(read_response(conn, buf)[2]) == "2"
    too_long = get("ASK {}" + " " * (Limits().max_url_bytes + 10))
    conn.sendall(too_long)
    status, headers, _ = read_response(conn, buf)
    assert status == 414
    assert headers["connection"] == "close"


def test_connection_close_on_a_leased_connection_is_the_last_answer(conn: socket.socket) -> None:
    buf = bytearray()
    conn.sendall(numbered(1))
    assert read_response(conn, buf)[0] == 200
    conn.sendall(numbered(2, "Connection: close\r\n"))
    status, headers, body = read_response(conn, buf)
    assert (status, value(body), headers["connection"]) == (200, "2", "close")
    assert conn.recv(10) == b""


def test_a_leased_request_past_the_time_limit_gets_504_and_the_connection_closes(
    live: Live, conn: socket.socket
) -> None:
    buf = bytearray()
    conn.sendall(numbered(1))
    assert read_response(conn, buf)[0] == 200
    started = time.monotonic()
    conn.sendall(get(HEAVY))
    status, headers, body = read_response(conn, buf)
    assert status == 504, body
    assert body == b"query exceeded the time limit of 3 s\n"
    assert headers["connection"] == "close"
    assert 3.0 <= time.monotonic() - started < 6.0
    assert conn.recv(10) == b""
    assert live.get("ASK {}").status == 200  # the pool replaced the worker


def test_a_leased_request_its_worker_never_began_gets_503_at_the_time_limit(
    live: Live, conn: socket.socket
) -> None:
    """The lease's first request waits out its time limit before the worker takes up the
    connection (a worker starved of CPU; here stopped): the front takes the connection back
    and refuses the request with 503 and Retry-After, as it does a request that waited out
    its limit in the queue, instead of closing the connection without an answer."""
    assert live.server is not None
    pool = live.server.pool
    stopped = [w.proc.pid for w in pool.workers]
    leased = pool.leased
    try:
        for pid in stopped:
            os.kill(pid, signal.SIGSTOP)
        started = time.monotonic()
        conn.sendall(numbered(1))
        status, headers, body = read_response(conn, bytearray())
    finally:
        for pid in stopped:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
    assert pool.leased == leased + 1  # it went to a worker with its connection
    assert status == 503, body
    assert int(headers["retry-after"]) >= 1
    assert 3.0 <= time.monotonic() - started < 6.0
    assert live.get("ASK {}").status == 200


def test_a_silent_leased_connection_goes_back_to_the_front(live: Live, conn: socket.socket) -> None:
    assert live.server is not None
    buf = bytearray()
    conn.sendall(numbered(1))
    assert read_response(conn, buf)[0] == 200
    deadline = time.monotonic() + 5
    while any(w.leasing for w in live.server.pool.workers):
        assert time.monotonic() < deadline, "the worker kept the silent connection"
        time.sleep(0.05)
    conn.sendall(numbered(2))  # the connection itself stays open
    assert value(read_response(conn, buf)[2]) == "2"


def test_a_client_closing_a_leased_connection_frees_its_worker(live: Live) -> None:
    assert live.server is not None
    pool = live.server.pool
    all_idle(live)
    with socket.create_connection((live.host, live.port), timeout=15) as sock:
        sock.sendall(numbered(1))
        assert read_response(sock, bytearray())[0] == 200
    deadline = time.monotonic() + 5
    while any(w.leasing for w in pool.workers) or pool.book.in_flight("127.0.0.1"):
        assert time.monotonic() < deadline, "a closed connection still holds a worker"
        time.sleep(0.02)


@pytest.fixture()
def held(web_store: Path, tmp_path: Path) -> Iterator[Live]:
    """One worker to lease and one in reserve; leased connections are kept 30 s in silence."""
    yield from serve_in_thread(
        store_dir=web_store,
        build_dir=tmp_path,
        base_iri=BASE,
        timeout_s=4.0,
        workers=1,
        lease_idle_s=30.0,
    )


def test_a_waiting_client_recalls_a_silent_lease(held: Live) -> None:
    assert held.server is not None
    pool = held.server.pool
    all_idle(held)
    with socket.create_connection((held.host, held.port), timeout=15) as quiet:
        buf = bytearray()
        quiet.sendall(numbered(1))
        assert read_response(quiet, buf)[0] == 200
        assert sum(w.leasing for w in pool.workers) == 1
        # another client's heavy query takes the reserve; a third client's lookup then
        # finds no idle worker and waits: the silent lease must be given back for it
        heavy = threading.Thread(
            target=lambda: held.request("GET", "/sparql?query=" + quote(HEAVY), source="127.0.0.2")
        )
        heavy.start()
        time.sleep(0.3)
        started = time.monotonic()
        reply = held.request("GET", "/sparql?query=ASK%7B%7D", source="127.0.0.3")
        waited = time.monotonic() - started
        assert reply.status == 200
        assert pool.recalls >= 1
        assert waited < 3.0, waited  # not behind the heavy query's 4 s
        quiet.sendall(numbered(2))  # the recalled connection is the front's again, still open
        assert value(read_response(quiet, buf)[2]) == "2"
        heavy.join(15)


def leases_for_five_requests(
    web_store: Path, tmp_path: Path, header: str = "", **options: object
) -> int:
    """Connections leased while one connection sends five lookups (`header` formatted with
    the request's number) to a server with `options`."""
    leased = -1
    for live in serve_in_thread(
        store_dir=web_store, build_dir=tmp_path, base_iri=BASE, workers=2, **options
    ):
        assert live.server is not None
        all_idle(live)
        with socket.create_connection((live.host, live.port), timeout=15) as sock:
            buf = bytearray()
            for n in range(5):
                sock.sendall(numbered(n, header.format(n=n)))
                assert value(read_response(sock, buf)[2]) == str(n)
        leased = live.server.pool.leased
    return leased


def test_without_leases_nothing_is_leased(web_store: Path, tmp_path: Path) -> None:
    assert leases_for_five_requests(web_store, tmp_path, leases=False) == 0


def test_behind_a_proxy_nothing_is_leased(web_store: Path, tmp_path: Path) -> None:
    # One upstream connection from a proxy carries many clients: each request must be
    # counted against its own X-Forwarded-For address by the front.
    forwarded = "X-Forwarded-For: 10.0.0.{n}\r\n"
    assert leases_for_five_requests(web_store, tmp_path, forwarded, trust_proxy=True) == 0
