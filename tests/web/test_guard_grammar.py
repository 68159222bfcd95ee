"""The guard reads queries as the engine does: the known bypasses, and the bodies of failures.

Each bypass below fooled the regex guard (it read `\\#` in a prefixed name as a comment, a
`<` comparison up to a later `>` as an IRI, and a keyword glued to a prefixed name as one
name), so the engine sent a SERVICE request the guard never saw.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from dlkg.web.guard import GuardError, inspect_query

from .conftest import Live
from .test_hostile import Listener

BYPASSES = {
    "pn-local-escape": (
        "PREFIX ex: <http://e/> SELECT * {{ ?s ex:a\\# ?o . SERVICE <{url}> {{ ?a ?b ?c }} }}"
    ),
    "less-than-then-greater-in-string": (
        "SELECT * {{ BIND(1 AS ?x) FILTER(?x<3)BIND('>'AS ?y)"
        "SERVICE<{url}>{{?a ?b ?c}}BIND(''AS ?z)}}"
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
