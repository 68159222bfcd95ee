"""The guard's shortcut (dlkg.sparql_quick) answers only what the tokenizer would answer.

Whenever `quick_shape` accepts a text, the full reading (`sparql_lexer.analyse`) must find no
lexical error, nothing the guard refuses, counts within the bounds, the same query form, no
LIMIT, VALUES or FROM, and no predefined prefix the shortcut missed. Texts are generated from
the lexical traps of the differential tests and from raw ASCII, behind a valid prologue half
of the time so that the shortcut is taken often.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlkg.sparql_lexer import analyse
from dlkg.sparql_quick import quick_shape
from dlkg.web.guard import GuardError, GuardLimits, inspect_query

LIMITS = GuardLimits()
BOUNDS = (LIMITS.max_depth, LIMITS.max_chain, LIMITS.max_joins)
PIECES = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "BASE", "WHERE", "select", "Ask",
    "ex:", "ex:a", ":", "xsd:integer", "rdf:type", "FILTERxsd:integer(", "schema:name",
    "<http://e/>", "<http://e/#x>", "<", ">", "<=", "<<", ">>", "{", "}", "(", ")", "[", "]",
    "?x", "?", "$x", "$", "@en", "@", "_:b", '"', '"a"', '""', '"""', '"<#>"', "#", "# c ",
    "\n", "\r", "\r\n", " ", "\t", "&&", "&", "||", "|", "/", "+", "-", "*", "!", "=", "^^",
    ".", ";", ",", "1", "1.5", "a", "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH", "BIND",
    "EXISTS", "LIMIT", "LIMIT10", "VALUES", "FROM", "SERVICE", "SERVICEex:x", "LOAD",
    "INSERT", "REGEX", "'", "\\", "\\u0053", "~", "%", "`", "\x00", "中",
]  # fmt: skip
PROLOGUES = ["", "PREFIX ex: <http://e/>\n", "PREFIX xsd: <http://x/>\nBASE <http://b/>\n"]


@st.composite
def queries(draw: st.DrawFn) -> str:
    prologue = draw(st.sampled_from(PROLOGUES))
    form = draw(st.sampled_from(["SELECT * ", "ASK ", "SELECT ?x ", "CONSTRUCT {} ", ""]))
    body = draw(
        st.lists(
            st.one_of(
                st.sampled_from(PIECES), st.text(st.characters(max_codepoint=127), max_size=6)
            ),
            max_size=30,
        )
    )
    return prologue + form + "".join(body)


def check(text: str) -> bool:
    """Assert the shortcut agrees with the tokenizer on `text`; whether it was taken."""
    quick = quick_shape(text, *BOUNDS)
    if quick is None:
        return False
    found = analyse(text)
    assert found.error is None, text
    assert not (found.updates or found.services or found.glued_load or found.regexes), text
    assert found.depth <= LIMITS.max_depth, text
    assert found.chain <= LIMITS.max_chain, text
    assert found.joins <= LIMITS.max_joins, text
    assert (found.limit, found.has_dataset, found.append_at) == (None, False, len(text)), text
    assert quick[0] == found.form, text
    assert quick[1] >= found.predefined, text
    return True


@settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
@given(queries())
def test_the_shortcut_agrees_with_the_tokenizer(text: str) -> None:
    check(text)


@pytest.mark.parametrize(
    "text",
    [
        # The tokenizer ends a comment at \r: the form is ASK, not the later SELECT.
        "#x\rASK {}\nSELECT * {}",
        # A long string spanning lines leaves `"` unclosed on the second line.
        'SELECT * { ?s ?p """x"\n"""y" }',
        # Keywords spelt with escapes, glued to names, in any case.
        "SELECT * { \\u0053ERVICE <http://e/> {} }",
        "SELECT * { ?s ?p ?o SERVICEex:x {} }",
        "ASK { sErViCe <http://127.0.0.1:1/> {} }",
        "SELECT * { ?s ?p ?o } LIMIT 5",
        "SELECT * { ?s ?p ?o FILTER(REGEX(?o, 'a{1000}{1000}')) }",
        "SELECT * " + "{" * 65 + "}" * 65,
        "SELECT * { " + "?s ?p ?o . " * 101 + "}",
        "SELECT * { ?s ?p 'unclosed }",
        "SELECT * { ?s ?p ?o } # caf\u00e9",
    ],
)
def test_crafted_texts_agree_or_go_the_long_way(text: str) -> None:
    check(text)


def test_lookups_take_the_shortcut_with_the_same_shape() -> None:
    lookup = (
        "PREFIX schema: <http://schema.org/>\nPREFIX dlkg: <https://w3id.org/dlkg/ns#>\n"
        'SELECT ?paper ?title WHERE { ?paper dlkg:arxivId "1512.03385" ; schema:name ?title .'
        " OPTIONAL { ?paper schema:datePublished ?year } FILTER(?year > 2010 && ?x != 1)"
        ' FILTER(LANG(?title) = "en" || ?title = "x"@en) ?paper a xsd:string }'
    )
    assert check(lookup)
    assert quick_shape(lookup, *BOUNDS) == ("SELECT", frozenset({"xsd", "sd"}))
    found = analyse(lookup)
    assert inspect_query(lookup).predefined >= found.predefined
    assert inspect_query(lookup).form == "SELECT"


def test_refused_queries_never_take_the_shortcut() -> None:
    """Each is refused by the guard; the shortcut must leave it to the tokenizer."""
    for text in [
        "SELECT * { SERVICE <http://127.0.0.1:9/> {} }",
        "SELECT * { \\u0053ERVICE <http://127.0.0.1:9/> {} }",
        "LOAD <http://127.0.0.1:9/>",
        "SELECT * { ?s ?p ?o FILTER(REGEX(?o, 'a{1000}{1000}')) }",
        "SELECT * {" + " OPTIONAL { ?s ?p ?o }" * 200 + " }",
        "SELECT * { FILTER(" + "(" * 80 + "1" + ")" * 80 + ") }",
    ]:
        assert quick_shape(text, *BOUNDS) is None, text
        with pytest.raises(GuardError):
            inspect_query(text)


def test_gallery_queries_keep_their_shape() -> None:
    """The gallery's queries, shortcut or not, get the shape the tokenizer gives."""
    root = Path(__file__).resolve().parent.parent / "queries"
    for path in sorted(root.rglob("*.rq")):
        check(path.read_text(encoding="utf-8"))
