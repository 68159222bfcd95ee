"""The route table (404, 405 with Allow), the one error response, and 406/Vary over HTTP."""

from __future__ import annotations

import pytest

from dlkg.web.http import Context, Request, Response, error_response
from dlkg.web.site.app import ROUTES
from dlkg.web.site.routing import Route, compile_pattern, dispatch

from ..helpers import Call, Live, vary_names

PAPER = "/paper/arxiv-1503.02531"


def _page(status: int, line: str) -> bytes:
    return f"<p>{status}: {line}</p>".encode()


@pytest.mark.parametrize(
    ("accept", "page", "content_type", "body", "vary"),
    [
        (None, None, "text/plain; charset=utf-8", b"gone away\n", False),
        ("text/html", None, "text/plain; charset=utf-8", b"gone away\n", False),
        ("text/html", _page, "text/html; charset=utf-8", b"<p>410: gone away</p>", True),
        (None, _page, "text/html; charset=utf-8", b"<p>410: gone away</p>", True),
        ("*/*", _page, "text/html; charset=utf-8", b"<p>410: gone away</p>", True),
        ("text/turtle", _page, "text/plain; charset=utf-8", b"gone away\n", True),
        ("text/html;q=0, */*", _page, "text/plain; charset=utf-8", b"gone away\n", True),
    ],
)
def test_error_response_is_one_line_or_a_negotiated_page(
    accept: str | None, page: object, content_type: str, body: bytes, vary: bool
) -> None:
    # the message becomes one line (whitespace collapsed) in the text and in the page
    response = error_response(
        410,
        "gone\n  away",
        accept=accept,
        page=page,
        headers=(("X", "y"),),  # type: ignore[arg-type]
    )
    assert (response.status, response.content_type, response.body) == (410, content_type, body)
    assert ("X", "y") in response.headers
    assert (("Vary", "Accept") in response.headers) is vary


def test_error_lines_are_capped() -> None:
    assert len(error_response(500, "x" * 2000).body) == 501


def _hello(request: Request, ctx: Context) -> Response:
    return Response(200, "text/plain", f"{request.method} {request.params}".encode())


def test_dispatch_matches_in_order_with_params_and_head() -> None:
    routes = (
        Route(("GET",), "/a/{name}", _hello),
        Route(("POST",), "/a/{name}", _hello),
        Route(("GET",), "/files/{rest:path}", _hello),
    )
    ctx = Context(runner=None, base_iri="http://x/", build_dir=None, queries_dir=None)  # type: ignore[arg-type]

    def send(method: str, path: str) -> Response:
        return dispatch(routes, Request(method, path, {}, {}), ctx)

    assert send("GET", "/a/b").body == b"GET {'name': 'b'}"
    assert send("HEAD", "/a/b").body == b"HEAD {'name': 'b'}"  # HEAD wherever GET is
    assert send("POST", "/a/b").body == b"POST {'name': 'b'}"
    assert send("GET", "/files/x/y.ttl").body == b"GET {'rest': 'x/y.ttl'}"
    missing = send("GET", "/a/b/c")
    assert (missing.status, missing.body) == (404, b"nothing here: /a/b/c\n")
    wrong = send("POST", "/files/x")
    assert wrong.status == 405 and ("Allow", "GET, HEAD, OPTIONS") in wrong.headers
    assert compile_pattern("/void.{ext}").fullmatch("/void") is None


def test_every_route_is_reachable_and_the_iri_route_is_last() -> None:
    assert ROUTES[-1].pattern == "/{path:path}"
    patterns = [r.pattern for r in ROUTES]
    assert len(patterns) == len(set(patterns))


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [("POST", PAPER, "GET, HEAD, OPTIONS"), ("POST", "/downloads/dlkg.ttl", "GET, HEAD, OPTIONS"),
     ("POST", "/", "GET, HEAD, OPTIONS")],
)  # fmt: skip
def test_known_path_wrong_method_is_405_with_allow(
    call: Call, method: str, path: str, allow: str
) -> None:
    response = call(path, method=method)
    assert response.status == 405
    assert ("Allow", allow) in response.headers
    assert response.body.decode().startswith(f"method {method} is not allowed on {path}")


# --- negotiation over HTTP -------------------------------------------------------------------


@pytest.mark.parametrize("path", [PAPER, "/void", "/ontology", "/shapes"])
def test_nothing_acceptable_is_406_with_vary(live: Live, path: str) -> None:
    reply = live.request("GET", path, headers={"Accept": "image/png"})
    assert reply.status == 406
    assert reply.headers["vary"] == "Accept"
    assert "text/turtle" in reply.text and reply.text.count("\n") == 1


@pytest.mark.parametrize(
    ("accept", "media"),
    [("*/*, text/html;q=0", "text/turtle"), ("text/turtle;q=0, application/n-triples;q=0.5",
      "application/n-triples"), ("text/*, text/html;q=0", "text/turtle")],
)  # fmt: skip
def test_q_zero_refuses_a_type_over_http(live: Live, accept: str, media: str) -> None:
    reply = live.request("GET", PAPER, headers={"Accept": accept})
    assert reply.status == 200 and reply.content_type == media
    assert "Accept" in vary_names(reply.headers)


def test_sparql_honours_q_zero_and_says_vary(live: Live) -> None:
    construct = "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"
    refused = live.get(construct, accept="text/turtle;q=0, application/sparql-results+json")
    assert refused.status == 200 and refused.content_type == "application/n-triples"
    assert "Accept" in vary_names(refused.headers)
    none = live.get("ASK {}", accept="*/*;q=0")
    assert none.status == 406 and none.headers["vary"] == "Accept"


@pytest.mark.parametrize(
    ("path", "accept"),
    [(PAPER, "text/turtle"), (PAPER, None), ("/", None), ("/void", "application/ld+json"),
     ("/sparql?query=ASK%7B%7D", None), ("/sparql", "text/turtle")],
)  # fmt: skip
def test_every_negotiated_response_varies_on_accept(
    live: Live, path: str, accept: str | None
) -> None:
    reply = live.request("GET", path, headers={"Accept": accept} if accept else {})
    assert reply.status == 200
    assert "Accept" in vary_names(reply.headers)
