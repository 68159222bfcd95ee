"""The static query guard: what it refuses, what it lets through, and the row-cap rewrite."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlkg.web.guard import GuardError, GuardLimits, cap_rows, inspect_query


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p "INSERT DATA { <a> <b> <c> }" }',  # in a string
        "SELECT * WHERE { ?s ?p ?o } # DELETE WHERE { ?s ?p ?o }",  # in a comment
        "PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:load ex:drop }",  # local names
        "PREFIX clear: <http://e/> SELECT * WHERE { ?s clear:x ?o }",  # a prefix
        "SELECT ?insert ?delete WHERE { ?insert ?delete ?o }",  # variables
        "SELECT * WHERE { <http://e/SERVICE/x> ?p ?o }",  # in an IRI
        "SELECT * WHERE { ?s ?p 'a service' }",
    ],
)
def test_keywords_outside_the_syntax_are_ignored(query: str) -> None:
    assert inspect_query(query).form == "SELECT"


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("INSERT DATA { <a:a> <a:b> <a:c> }", "update"),
        ("PREFIX x: <a:> DELETE WHERE { ?s ?p ?o }", "update"),
        ("load <http://example.org/>", "update"),
        ("SELECT * WHERE { SERVICE <http://e/> { ?s ?p ?o } }", "service"),
        ("PREFIX e: <http://e/> SELECT * WHERE { SERVICE SILENT e:x { } }", "service"),
        ("SELECT * WHERE { SERVICE ?endpoint { } }", "service"),
        ("SELECT * WHERE " + "{" * 65 + "}" * 65, "shape"),
        ("SELECT (" + "+".join(["1"] * 1002) + " AS ?x) {}", "shape"),
    ],
)
def test_refusals(query: str, kind: str) -> None:
    with pytest.raises(GuardError) as refused:
        inspect_query(query)
    assert refused.value.kind == kind


def test_allow_listed_service_passes_by_iri_and_by_prefixed_name() -> None:
    allowed = ("http://e/sparql",)
    inspect_query("SELECT * { SERVICE <http://e/sparql> { } }", allowed_services=allowed)
    inspect_query(
        "PREFIX e: <http://e/> SELECT * { SERVICE e:sparql {} }", allowed_services=allowed
    )


def test_limits_are_configurable() -> None:
    deep = "SELECT * WHERE " + "{" * 100 + "}" * 100
    assert inspect_query(deep, GuardLimits(max_depth=200)).form == "SELECT"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * { ?s ?p ?o }", "SELECT * { ?s ?p ?o }\nLIMIT 11\n"),
        ("SELECT * { ?s ?p ?o } LIMIT 500", "SELECT * { ?s ?p ?o } LIMIT 11"),
        ("SELECT * { ?s ?p ?o } LIMIT 5", "SELECT * { ?s ?p ?o } LIMIT 5"),
        ("SELECT * { ?s ?p ?o } # end", "SELECT * { ?s ?p ?o } # end\nLIMIT 11\n"),
        (
            "SELECT * { { SELECT * {} LIMIT 99 } }",
            "SELECT * { { SELECT * {} LIMIT 99 } }\nLIMIT 11\n",
        ),
        (
            "SELECT ?s { ?s ?p ?o } ORDER BY ?s VALUES ?s { <a:a> }",
            "SELECT ?s { ?s ?p ?o } ORDER BY ?s \nLIMIT 11\nVALUES ?s { <a:a> }",
        ),
        ("SELECT * { ?s ?p ?o } OFFSET 3", "SELECT * { ?s ?p ?o } OFFSET 3\nLIMIT 11\n"),
        ("ASK { ?s ?p ?o }", "ASK { ?s ?p ?o }"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }"),
    ],
)
def test_cap_rows(query: str, expected: str) -> None:
    capped = cap_rows(query, inspect_query(query), max_rows=10)
    assert capped == expected
    ox.Store().query(capped)  # still a valid query


@st.composite
def queries(draw: st.DrawFn) -> str:
    parts = st.sampled_from(
        [
            "SELECT",
            "*",
            "?s",
            "?p",
            "?o",
            "{",
            "}",
            "(",
            ")",
            ".",
            "LIMIT",
            "10",
            "OFFSET",
            "ORDER BY",
            "VALUES",
            "<a:b>",
            '"x # y"',
            "# c\n",
            "FILTER",
            "UNION",
            "OPTIONAL",
            "GROUP BY",
            "ex:limit",
            "PREFIX ex: <e:>",
            "\n",
            "'''q'''",
        ]
    )
    return " ".join(draw(st.lists(parts, max_size=30)))


@settings(max_examples=300, deadline=None)
@given(queries())
def test_the_guard_never_fails_unexpectedly_and_capping_keeps_valid_queries_valid(
    text: str,
) -> None:
    try:
        shape = inspect_query(text)
    except GuardError:
        return
    capped = cap_rows(text, shape, max_rows=10)
    store = ox.Store()
    try:
        store.query(text)
    except SyntaxError:
        return
    result = store.query(capped)  # a valid query stays valid
    if shape.form == "SELECT":
        assert len(list(result)) <= 11  # type: ignore[arg-type]
