"""dlkg.sparql_lexer and dlkg.sparql_regex: the terminals, the engine's quirks, REGEX sizes.

The regex size estimate is checked against the engine itself: a pattern compiles in
pyoxigraph when `BIND(REGEX("x", pattern) AS ?r)` binds ?r (a failed compile leaves it unbound).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlkg.prefixes import PREDEFINED
from dlkg.sparql_lexer import analyse, tokens, unescape_codepoints
from dlkg.sparql_regex import SIZE_LIMIT, PatternError, RegexCall, check_call, pattern_size


def kinds(text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in tokens(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ex:a\\#b", [("pname", "ex:a\\#b")]),  # PN_LOCAL_ESC
        ("ex:a%41.b", [("pname", "ex:a%41.b")]),  # PLX percent escape, inner dot
        ("ex:a.", [("pname", "ex:a"), ("op", ".")]),  # no trailing dot
        (":x", [("pname", ":x")]),
        ("'''a'b''c'''", [("str", "'''a'b''c'''")]),
        ('"a\\"#b"', [("str", '"a\\"#b"')]),  # ECHAR, then no comment
        ('"a\\u0022"', [("str", '"a\\u0022"')]),  # UCHAR inside a string
        ("<http://e/#x>", [("iri", "<http://e/#x>")]),
        ("?x # c <a>\n?y", [("var", "?x"), ("var", "?y")]),
        ("$v _:b1 @en-GB", [("var", "$v"), ("bnode", "_:b1"), ("lang", "@en-GB")]),
        ("1.5e3 .5 7", [("num", "1.5e3"), ("num", ".5"), ("num", "7")]),
        ('"x"^^<t:t>', [("str", '"x"'), ("op", "^^"), ("iri", "<t:t>")]),
    ],
)
def test_terminals(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text) == expected


def test_less_than_after_an_operand_in_an_expression_is_an_operator() -> None:
    compare = kinds("FILTER(?a<?b&&?c>?d)")
    assert ("op", "<") in compare and ("op", ">") in compare
    assert ("op", "<=") in kinds("FILTER(?a<=?b)")
    assert kinds("FILTER(?x<<a:x>)")[3:5] == [("op", "<"), ("iri", "<a:x>")]
    # In a triple pattern, and in VALUES rows, it is an IRI as the engine reads it.
    assert ("iri", "<?b&&?c>") in kinds("{ ?a<?b&&?c>?d }")
    assert ("iri", "<b:b>") in kinds("VALUES (?x ?y) { (<a:a> <b:b>) }")


def test_keywords_glued_to_names_count() -> None:
    found = analyse("PREFIX ex: <http://e/> SELECT * { SERVICEex:x {} }")
    assert [s.iri for s in found.services] == ["http://e/x"]
    assert analyse("LOADex:x").glued_load
    text = "SELECT * { ?s ?p ?o } LIMIT10"
    shape = analyse(text)
    assert shape.limit == 10 and shape.limit_span is not None
    assert text[slice(*shape.limit_span)] == "10"


def test_codepoint_escapes_as_sparql_1_1_defines_them() -> None:
    assert unescape_codepoints("\\u0053ERVICE \\U0001F600 \\uD800") == "SERVICE \U0001f600 \\uD800"
    text = "SELECT * { # \\u000A SERVICE <http://e/> {}\n}"
    assert analyse(text, codepoint_escapes=False).services == []  # pyoxigraph: a comment
    assert analyse(text).services  # SPARQL 1.1: a newline ends the comment


def test_the_predefined_prefixes_a_query_needs_are_found() -> None:
    # The runner hands the engine only these, so none it needs may be missed.
    text = 'PREFIX schema: <http://x/> SELECT * { ?s schema:name ?n ; dlkg:p "a"^^xsd:string }'
    assert analyse(text).predefined == {"dlkg", "xsd"}  # schema: is the query's own
    glued = 'SELECT ?x { VALUES ?x { "1" } FILTERxsd:integer(?x) }'  # FILTER, then xsd:integer
    assert "xsd" in analyse(glued).predefined
    store = ox.Store()
    prefixes = {name: PREDEFINED[name] for name in analyse(glued).predefined}
    assert len(list(store.query(glued, prefixes=prefixes))) == 1  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(sorted(PREDEFINED)), min_size=1, max_size=4),
    st.sets(st.sampled_from(sorted(PREDEFINED)), max_size=2),
    st.sampled_from(["?s {} ?o", "?s ?p {}", "?s ?p ?o FILTER(?o = {})", "?s ?p ?o FILTER{}(?o)"]),
)
def test_the_engine_parses_with_only_the_prefixes_found(
    used: list[str], declared: set[str], pattern: str
) -> None:
    body = " . ".join(pattern.format(f"{name}:x") for name in used)
    text = "".join(f"PREFIX {n}: <http://d/{n}#> " for n in sorted(declared))
    text += f"SELECT * {{ {body} }}"
    needed = analyse(text).predefined
    assert needed >= set(used) - declared
    try:  # a SyntaxError (an unknown prefix) fails the test
        ox.Store().query(text, prefixes={n: PREDEFINED[n] for n in needed})
    except RuntimeError as err:  # parsed; the engine only lacks the made-up function
        assert "custom function" in str(err)


def test_counts() -> None:
    found = analyse("SELECT * { ?s <p:p>/<p:q> ?o ; <p:r> ?x . OPTIONAL { ?x ?y ?z } }")
    assert (found.optionals, found.joins, found.depth) == (1, 5, 2)
    assert analyse("SELECT (1+2*3 AS ?x) {}").chain == 2
    assert analyse("SELECT * { ?s ?p 'unterminated }").error == (17, "'")


def test_literal_regex_calls_are_found() -> None:
    (call,) = analyse('SELECT * { FILTER(REGEX(?t, "a\\\\d{2}", "i")) }').regexes
    assert (call.function, call.pattern, call.flags) == ("REGEX", "a\\d{2}", "i")
    (call,) = analyse("SELECT (REPLACE(?t, 'x+', 'y', ?f) AS ?r) {}").regexes
    assert (call.pattern, call.flags) == ("x+", None)


@pytest.mark.parametrize(
    "pattern", ["(a", "a)", "[a-z", "*a", "a{3,2}", "a{1000}{1000}", "\\w{100}", "a\\"]
)
def test_patterns_the_engine_cannot_compile_are_refused(pattern: str) -> None:
    assert not engine_compiles(pattern)
    with pytest.raises(PatternError):
        check_call(RegexCall("REGEX", pattern, "", 0))


def test_bad_flags_are_refused() -> None:
    with pytest.raises(PatternError):
        check_call(RegexCall("REGEX", "a", "g", 0))
    check_call(RegexCall("REGEX", "a{1000}{1000}", "q", 0))  # q: a literal, small


_STORE = ox.Store()


def engine_compiles(pattern: str) -> bool:
    literal = pattern.replace("\\", "\\\\").replace('"', '\\"')
    query = f'SELECT ?r {{ BIND(REGEX("x", "{literal}") AS ?r) }}'
    (row,) = list(_STORE.query(query))  # type: ignore[arg-type]
    return row["r"] is not None


ATOMS = [
    "a", "é", "中", ".", "[a-z]", "[0-9A-F]", "[aeiou]", "[^a]", "\\d", "\\w", "\\s", "\\S",
    "\\D", "(ab)", "(?:ab)", "(a|b)", "(?:a|bc)", "\\.", "^", "$", "\\b",
]  # fmt: skip
COUNTS = [1, 2, 10, 100, 500, 1000, 3000, 10000, 40000]


@st.composite
def patterns(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        atom = draw(st.sampled_from(ATOMS))
        shape = draw(st.integers(0, 3))
        if shape == 1:
            atom = f"(?:{atom}){{{draw(st.sampled_from(COUNTS))}}}"
        elif shape == 2:
            atom = f"{atom}{draw(st.sampled_from(['*', '+', '?', '{2,5}', '{0,300}', '{5,}']))}"
        elif shape == 3:
            inner = draw(st.sampled_from(COUNTS))
            atom = f"(?:{atom}{{{inner}}}){{{draw(st.sampled_from([2, 10, 100]))}}}"
        parts.append(atom)
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(patterns())
def test_the_size_estimate_agrees_with_the_engine(pattern: str) -> None:
    size = pattern_size(pattern)
    compiles = engine_compiles(pattern)
    # Outside a band of +-15 % around the limit the verdicts agree exactly.
    if size > SIZE_LIMIT * 1.15:
        assert not compiles, (pattern, size)
    elif size < SIZE_LIMIT * 0.85:
        assert compiles, (pattern, size)
