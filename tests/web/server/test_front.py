"""The front's HTTP/1.1 handling against the real server: CORS, HEAD, limits, keep-alive."""

from __future__ import annotations

import json
import socket

from ..helpers import Live, one_line_error


def test_cors_preflight_and_headers(live: Live) -> None:
    reply = live.request(
        "OPTIONS",
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert reply.status == 204
    assert reply.headers["access-control-allow-origin"] == "*"
    assert "POST" in reply.headers["access-control-allow-methods"]
    assert "content-type" in reply.headers["access-control-allow-headers"].lower()
    answer = live.get("ASK {}")
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "Dlkg-Truncated" in answer.headers["access-control-expose-headers"]


def test_head_has_the_headers_of_get_and_no_body(live: Live) -> None:
    head = live.request("HEAD", "/sparql?query=ASK%7B%7D")
    get = live.get("ASK {}")
    assert head.status == 200
    assert head.body == b""
    assert head.headers["content-length"] == str(len(get.body))
    assert head.headers["content-type"] == get.headers["content-type"]


def test_url_too_long_is_414_and_post_still_works(live: Live) -> None:
    query = 'ASK { FILTER(STRLEN("' + "x" * 20_000 + '") > 0) }'
    assert "POST" in one_line_error(live.get(query), 414)
    assert json.loads(live.post_form(query).body)["boolean"] is True


def test_body_too_large_is_413(live: Live) -> None:
    body = b"query=" + b"%20" * (400 * 1024)
    reply = live.request(
        "POST", "/sparql", body, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert one_line_error(reply, 413)


def raw_exchange(live: Live, data: bytes, responses: int) -> list[bytes]:
    """Send raw bytes on one connection; read `responses` HTTP responses."""
    with socket.create_connection((live.host, live.port), timeout=10) as sock:
        sock.sendall(data)
        buf, out = b"", []
        while len(out) < responses:
            while b"\r\n\r\n" not in buf:
                buf += sock.recv(65536)
            head, _, buf = buf.partition(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            while len(buf) < length:
                buf += sock.recv(65536)
            out.append(head + b"\r\n\r\n" + buf[:length])
            buf = buf[length:]
        return out


def test_keep_alive_and_pipelining_answer_in_order(live: Live) -> None:
    requests = b"".join(
        f"GET /sparql?query=SELECT%28{n}%20AS%20%3Fn%29%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        for n in range(5)
    )
    answers = raw_exchange(live, requests, 5)
    assert [
        json.loads(a.split(b"\r\n\r\n", 1)[1])["results"]["bindings"][0]["n"]["value"]
        for a in answers
    ] == ["0", "1", "2", "3", "4"]


def test_expect_100_continue(live: Live) -> None:
    body = b"ASK {}"
    head = (
        "POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\n\r\n"
    ).encode()
    with socket.create_connection((live.host, live.port), timeout=10) as sock:
        sock.sendall(head)
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(body)
        reply = b""
        while b"true" not in reply:
            reply += sock.recv(65536)
        assert reply.startswith(b"HTTP/1.1 200")


def test_malformed_http_is_400(live: Live) -> None:
    with socket.create_connection((live.host, live.port), timeout=10) as sock:
        sock.sendall(b"NONSENSE\r\n\r\n")
        assert sock.recv(1000).startswith(b"HTTP/1.1 400")


def test_http_1_0_gets_its_answer_and_the_connection_closed(live: Live) -> None:
    with socket.create_connection((live.host, live.port), timeout=10) as sock:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):  # ends: the server closes after the answer
            data += chunk
    assert data.startswith(b"HTTP/1.1 200") and b"Connection: close" in data
    assert data.endswith(b'"boolean":true}')
