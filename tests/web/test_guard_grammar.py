"""The guard reads queries as the engine does: the known bypasses, and the bodies of failures.

Each bypass below fooled the regex guard (it read `\\#` in a prefixed name as a comment, a
`<` comparison up to a later `>` as an IRI, and a keyword glued to a prefixed name as one
name), so the engine sent a SERVICE request the guard never saw.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dlkg.web.guard import GuardError, inspect_query

from .helpers import BASE, Live, serve_in_thread
from .service_listener import Listener

HUNDREDS_OF_OPTIONALS = (
    "SELECT * { ?s ?p ?o " + " ".join(f"OPTIONAL {{ ?s ?p{i} ?o{i} }}" for i in range(250)) + " }"
)

QUERIES = Path(__file__).resolve().parents[2] / "queries"

BYPASSES = {
    "pn-local-escape": (
        "PREFIX ex: <http://e/> SELECT * {{ ?s ex:a\\# ?o . SERVICE <{url}> {{ ?a ?b ?c }} }}"
    ),
    "less-than-then-greater-in-string": (
        "SELECT * {{ BIND(1 AS ?x) FILTER(?x<3)BIND('>'AS ?y)"
        "SERVICE<{url}>{{?a ?b ?c}}BIND(''AS ?z)}}"
    ),
    "filter-glued-to-a-function": (
        "SELECT * {{ BIND(1 AS ?x) FILTERCOALESCE(?x<3,'>')"
        "SERVICE<{url}>{{?a ?b ?c}}BIND(''AS ?z)}}"
    ),
    "keyword-glued-to-a-boolean": "SELECT * {{ ?s ?p trueSERVICE<{url}>{{}} }}",
    "filter-glued-to-a-boolean": (
        "SELECT * {{ BIND(1 AS ?x) ?s ?p trueFILTER(?x<3&&STR('>'))"
        "SERVICE<{url}>{{}}BIND(''AS ?z)}}"
    ),
    "boolean-keyword-prefixed-name": (
        "PREFIX ex: <{base}> SELECT * {{ ?s ?p falseSERVICEex:sparql{{}} }}"
    ),
    "keyword-glued-to-prefixed-name": (
        "PREFIX ex: <{base}> SELECT * {{ SERVICEex:sparql {{ ?a ?b ?c }} }}"
    ),
}


@pytest.fixture()
def listener() -> Iterator[Listener]:
    lis = Listener()
    yield lis
    lis.close()


def _query(kind: str, url: str) -> str:
    return BYPASSES[kind].format(url=url, base=url.rsplit("/", 1)[0] + "/")


@pytest.mark.parametrize("kind", sorted(BYPASSES))
def test_the_guard_sees_service_in_every_lexical_context(kind: str) -> None:
    with pytest.raises(GuardError) as refused:
        inspect_query(_query(kind, "http://127.0.0.1:9/sparql"))
    assert refused.value.kind == "service"


def test_deep_nesting_hidden_behind_a_comparison_is_seen() -> None:
    query = (
        "SELECT * { BIND(1 AS ?x) FILTER(?x<3)BIND('>'AS ?y)"
        + "{" * 100
        + "}" * 100
        + "BIND(''AS ?z)}"
    )
    with pytest.raises(GuardError) as refused:
        inspect_query(query)
    assert refused.value.kind == "shape"


@pytest.mark.parametrize("kind", sorted(BYPASSES))
def test_bypasses_reach_no_listener_through_the_server(
    live: Live, listener: Listener, kind: str
) -> None:
    reply = live.get(_query(kind, listener.url))
    time.sleep(0.3)
    assert listener.received == []
    assert reply.status == 403, reply.text


def test_engine_failures_do_not_tell_a_closed_port_from_an_open_one(
    web_store: Path, tmp_path: Path, listener: Listener
) -> None:
    closed = socket.create_server(("127.0.0.1", 0))
    closed_url = f"http://127.0.0.1:{closed.getsockname()[1]}/sparql"
    closed.close()  # nothing listens there any more: the engine's connect is refused
    for live in serve_in_thread(
        store_dir=web_store,
        build_dir=tmp_path,
        base_iri=BASE,
        workers=1,
        allowed_service_endpoints=[listener.url, closed_url],
        isolation="none",  # the engine must really connect (isolated workers reach nothing)
    ):
        bodies = {
            url: live.get(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
            for url in (listener.url, closed_url)
        }
    assert {reply.status for reply in bodies.values()} == {500}
    assert len({reply.body for reply in bodies.values()}) == 1, bodies
    text = bodies[closed_url].text
    assert "Error" not in text and "127.0.0.1" not in text and "refused" not in text.lower()
    assert Listener.SECRET not in bodies[listener.url].body


def test_two_hundred_chained_optionals_are_refused_at_once(live: Live) -> None:
    started = time.monotonic()
    reply = live.get(HUNDREDS_OF_OPTIONALS)
    assert reply.status == 400
    assert "OPTIONAL" in reply.text and "limit is" in reply.text
    assert time.monotonic() - started < 1.0


def test_gallery_queries_pass_the_guard() -> None:
    for path in sorted(QUERIES.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        if "#+ federated:" in text:
            continue  # SERVICE queries run only where the operator allow-lists them (17, 18)
        inspect_query(text)  # raises on refusal


@pytest.mark.parametrize(
    ("pattern", "refused"),
    [
        ("a{1000}{1000}", True),
        ("a{31244}", True),
        ("\\\\w{100}", True),
        ("(unclosed", True),
        ("*x", True),
        ("a{3,2}", True),
        ("a{1000}", False),
        ("^[A-Z][a-z]+( [A-Z][a-z]+)*$", False),
        ("\\\\d{4}", False),
    ],
)
def test_regex_literal_patterns_are_checked_once(live: Live, pattern: str, refused: bool) -> None:
    query = f'SELECT * {{ ?s ?p ?t FILTER(REGEX(STR(?t), "{pattern}")) }} LIMIT 1'
    started = time.monotonic()
    reply = live.get(query)
    assert time.monotonic() - started < 1.0
    if refused:
        assert reply.status == 400, reply.text
        assert "REGEX" in reply.text
    else:
        assert reply.status in (200, 206), reply.text


def test_codepoint_escapes_count_in_both_readings() -> None:
    # SPARQL 1.1 decodes \u before parsing (SERVICE); pyoxigraph 0.5 only inside strings.
    with pytest.raises(GuardError):  # to pyoxigraph: a stray backslash
        inspect_query("SELECT * { \\u0053ERVICE <http://127.0.0.1:9/> { } }")
    with pytest.raises(GuardError) as refused:  # to pyoxigraph: all one comment
        inspect_query("SELECT * { # \\u000A SERVICE <http://127.0.0.1:9/> { }\n}")
    assert refused.value.kind == "service"
    # A quote written as \u0022 is fine to the engine: not refused as malformed.
    assert inspect_query('SELECT * { BIND("a\\u0022b" AS ?x) }').form == "SELECT"


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * {" + "(" * 1_000_000,
        "SELECT (" + "1+" * 500_000 + "1 AS ?x) {}",
        "SELECT * {" + " ?a ?b ?c ." * 90_000 + "}",
    ],
    ids=["brackets", "operators", "triples"],
)
def test_a_megabyte_past_a_limit_is_refused_without_reading_it_all(query: str) -> None:
    started = time.perf_counter()
    with pytest.raises(GuardError) as refused:
        inspect_query(query)
    assert refused.value.kind == "shape" and "at least" in refused.value.message
    assert time.perf_counter() - started < 0.05  # it stops at the first excess
