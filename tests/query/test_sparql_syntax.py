"""Syntax errors as one readable line, positions in the user's own text (dlkg.sparql_syntax)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from dlkg.prefixes import PREDEFINED
from dlkg.sparql_syntax import explain, undeclared_prefix


def problem_of(query: str) -> str:
    """The readable message for a query the engine refuses (with the predefined prefixes)."""
    with pytest.raises(SyntaxError) as raised:
        ox.Store().query(query, prefixes=PREDEFINED)
    problem = explain(str(raised.value), query)
    assert problem.detail == str(raised.value)  # the full text stays available
    assert "\n" not in problem.message
    return problem.message


@pytest.mark.parametrize(
    ("query", "message"),
    [
        # the engine's own text is six lines of character classes for this one
        ("SELECT ?t WHERE { ?p foo:name ?t }", "unknown prefix `foo:` at line 1, column 22"),
        # columns count characters, not bytes, and lines are the user's
        (
            'SELECT ?t WHERE { ?p schema:name "深度学习" .\n  ?p foo:x ?t }',
            "unknown prefix `foo:` at line 2, column 6",
        ),
        # the engine reports a later position here; the prefix is still what is wrong
        (
            "SELECT ?t WHERE {\n  ?p schema:name ?t ; nope:x ?y }",
            "unknown prefix `nope:` at line 2, column 23",
        ),
        ("SELECT * WHERE { ?x <http://a b> ?y }", "invalid IRI at line 1, column 33"),
        (
            "SELECT (1 AS ?x) (2 AS ?x) {}",
            "Duplicated variable name in SELECT (at line 1, column 30)",
        ),
        (
            "SELECT ?x WHERE { ?x ?y ?z } LIMIT 1 ORDER BY ?x",
            "syntax error at line 1, column 44 near `BY`: expected one of OFFSET, VALUES",
        ),
    ],
)
def test_readable_messages(query: str, message: str) -> None:
    assert problem_of(query) == message


def test_long_expectation_lists_are_cut_short() -> None:
    message = problem_of("SELECT ?x WHERE { ?x ?y ?z } GROUP BY ?q ORDER")
    assert message.startswith("syntax error at the end of the query (line 1, column 47): expected")
    assert message.endswith(", ...") and "[" not in message and len(message) < 140


def test_predefined_and_declared_prefixes_are_not_unknown() -> None:
    text = 'PREFIX ex: <http://x/> SELECT * { ?s schema:name "a:b" ; ex:p <http://y/z:w> ; _:b 1 }'
    assert undeclared_prefix(text) is None
    assert undeclared_prefix("SELECT * { ?s :p ?o } # see:this") == ("", 14)


def test_a_message_of_another_shape_keeps_its_first_line() -> None:
    problem = explain("something odd\nsecond line", "ASK {}")
    assert problem.message == "syntax error: something odd"
    assert (problem.line, problem.column) == (None, None)
