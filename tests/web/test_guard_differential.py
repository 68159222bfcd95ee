"""Differential tests: the lexer and pyoxigraph's own parser agree on what a query contains.

pyoxigraph has no algebra API in Python, so the engine is made to tell by running the query on
an empty in-memory Store (docs/decisions.md, "Query guard"):

- SERVICE / LOAD: the endpoint is a listener of this test on 127.0.0.1; the engine contains a
  SERVICE (or an update a LOAD) exactly when it connects there;
- nesting: every level of a generated expression adds 1, so the value of the result is the
  number of levels the engine parsed;
- OPTIONAL chains: each OPTIONAL binds its own variable, so the bound variables of the one
  result row count the OPTIONALs the engine parsed.

Every query hides the construct (or a decoy) among lexical traps: PN_LOCAL_ESC (`ex:a\\#`),
`<` comparisons followed by `>` in a later string, strings holding `<`, `>`, `#`, quotes and
`\\u` escapes, long strings with inner quotes, comments, and keywords glued to names.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlkg.sparql_lexer import analyse

from .service_listener import Listener

if TYPE_CHECKING:
    from .helpers import Live

PROLOGUE = "PREFIX ex: <http://e/>\nPREFIX t: <{base}>\n"
# Group-pattern elements that keep the single row (x = 1) and are hard to lex.
TRAPS = [
    "FILTER(?x<3)BIND('>'AS ?y1)",
    'FILTER(?x<3)BIND(">"AS ?y2)',
    "OPTIONAL{?x ex:a\\# ?o1}",
    "OPTIONAL{?x ex:a\\#b\\~c%41 ?o2}",
    'BIND("""a"b""c#<{""" AS ?y3)',
    "BIND('''a'b''c#>}''' AS ?y4)",
    'BIND("\\u0022 } # " AS ?y5)',
    "BIND(<http://e/#x> AS ?y6)",
    "# a comment with ' \" < { SERVICE <http://e/> {}\n",
    "FILTER(?x<=?x&&?x>=?x)",
    "FILTER(?x<?x+1&&?x+1>?x)",
    'VALUES (?v ?w){(<http://e/a> "x>")}',
    "BIND(ex:SERVICE AS ?y7)",
    'BIND("SERVICE <http://e/> {}" AS ?y8)',
    "BIND(STRLEN('\\\\#')AS ?y9)",
    "FILTERCOALESCE(?x<3,'>')BIND(''AS ?y10)",
    "FILTER REGEX(STR(?x<3),'e')BIND('>'AS ?y11)",
    "OPTIONAL{?x ex:p (1 <http://e/l> 2)}",
    "OPTIONAL{<< ?x ex:p ?o12 >> ex:q ?o13}",
]
SERVICES = [
    "SERVICE <{url}> {{ }}",
    "SERVICE SILENT <{url}> {{ }}",
    "service t:sparql {{ }}",
    "SERVICEt:sparql{{}}",
    "SERVICE<{url}>{{}}",
    "SeRvIcE#c\n<{url}>{{}}",
    "SERVICESILENT t:sparql{{}}",
    "OPTIONAL{{SERVICE<{url}>{{}}}}",
    "FILTER EXISTS{{SERVICE<{url}>{{}}}}",
    "{{SERVICE<{url}>{{}}}}UNION{{}}",
]
DECOYS = [
    "BIND('SERVICE <{url}> {{}}' AS ?d1)",
    "# SERVICE <{url}> {{}}\n",
    "BIND(<http://e/SERVICE> AS ?d2)",
    'BIND("""SERVICE <{url}> {{}}""" AS ?d3)',
    "OPTIONAL{{?x ex:SERVICE ?d4}}",
]
EXPR_TRAPS = [
    "",
    "+0*STRLEN('>')",
    "+IF(?x<3,0,1)",
    '+0*STRLEN("#")',
    "+IF(ex:a\\#=ex:a\\#,0,1)",
    " # ) ( \n",
    '+0*STRLEN("""a"b""")',
    "+0*STRLEN('\\u0029')",
    "+IF(?x<?x+1&&?x+1>?x,0,1)",
]


class Engine:
    """pyoxigraph on an empty store, with a listener that counts the connections it gets."""

    def __init__(self) -> None:
        self.listener = Listener()

    @property
    def url(self) -> str:
        return self.listener.url

    def connects(self, text: str, *, update: bool = False) -> tuple[bool, bool]:
        """(the engine connected, the engine parsed the text)."""
        before = len(self.listener.received)
        parsed = True
        try:
            store = ox.Store()
            if update:
                store.update(text)
            else:
                result = store.query(text)
                if isinstance(result, ox.QuerySolutions):
                    list(result)
        except SyntaxError:
            parsed = False
        except (OSError, RuntimeError, ValueError):
            pass  # the listener's 500 answer
        return len(self.listener.received) > before, parsed


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    eng = Engine()
    yield eng
    eng.listener.close()


@st.composite
def hidden_service(draw: st.DrawFn, url: str) -> tuple[str, bool]:
    """A query with a SERVICE (or only decoys) among traps; and whether it has one."""
    has = draw(st.booleans())
    parts = draw(st.lists(st.sampled_from(TRAPS), max_size=5))
    decoys = draw(st.lists(st.sampled_from(DECOYS), max_size=2))
    parts += [d.format(url=url) for d in decoys]
    if has:
        parts.append(draw(st.sampled_from(SERVICES)).format(url=url))
    order = draw(st.permutations(parts))
    tail = draw(st.sampled_from(TRAPS))
    sep = draw(st.sampled_from(["\n", " ", ""]))  # every part ends in ) } or a newline
    body = sep.join(["BIND(1 AS ?x)", *map(_own_variables, order, range(len(order))), tail])
    base = url.rsplit("/", 1)[0] + "/"
    return PROLOGUE.format(base=base) + "SELECT * WHERE {\n" + body + "\n}", has


def _own_variables(part: str, index: int) -> str:
    """The part with its variables renamed apart (a BIND may not rebind a variable)."""
    return re.sub(r"\?(?!x\b)(\w+)", lambda m: f"?{m.group(1)}_{index}", part)


FAST = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FAST
@given(data=st.data())
def test_guard_and_engine_agree_on_service(engine: Engine, data: st.DataObject) -> None:
    query, has = data.draw(hidden_service(engine.url))
    connected, parsed = engine.connects(query)
    assert parsed, query  # the generator writes valid queries
    assert connected == has, query  # the generator's claim, checked by the engine
    assert bool(analyse(query, codepoint_escapes=False).services) == connected, query
    if connected:
        assert analyse(query).services  # the union of both readings misses nothing


@FAST
@given(
    levels=st.integers(1, 40),
    traps=st.lists(st.sampled_from(EXPR_TRAPS), min_size=40, max_size=40),
)
def test_guard_and_engine_agree_on_nesting(engine: Engine, levels: int, traps: list[str]) -> None:
    expr = "0"
    for level in range(levels):
        expr = f"({expr}+1{traps[level]})"
    query = f"PREFIX ex: <http://e/>\nSELECT ?d {{ BIND(1 AS ?x) BIND({expr} AS ?d) }}"
    (row,) = list(ox.Store().query(query))  # type: ignore[arg-type]
    engine_levels = int(row["d"].value)
    assert engine_levels == levels
    # The group and BIND's parentheses, the levels, and a function call's parentheses.
    depth = analyse(query, codepoint_escapes=False).depth
    assert engine_levels + 2 <= depth <= engine_levels + 3, query
    assert analyse(query).depth >= depth


@FAST
@given(
    count=st.integers(0, 30),
    traps=st.lists(st.sampled_from(TRAPS), min_size=30, max_size=30),
    decoy=st.sampled_from(["", "BIND('OPTIONAL{}' AS ?q)", "# OPTIONAL {}\n"]),
)
def test_guard_and_engine_agree_on_optional_chains(
    engine: Engine, count: int, traps: list[str], decoy: str
) -> None:
    blocks = [
        f"{_own_variables(traps[i], i)} OPTIONAL{{BIND({i} AS ?opt{i})}}" for i in range(count)
    ]
    query = (
        "PREFIX ex: <http://e/>\nSELECT * {\nBIND(1 AS ?x)\n" + "\n".join(blocks) + f"\n{decoy}\n}}"
    )
    result = ox.Store().query(query)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    (row,) = list(result)
    bound = [name for name in names if name.startswith("opt") and row[name] is not None]
    traps_optionals = sum(t.startswith("OPTIONAL") for t in traps[:count])
    assert len(bound) == count
    assert analyse(query, codepoint_escapes=False).optionals == count + traps_optionals, query
    assert analyse(query).optionals >= count + traps_optionals


DATA_TRAPS = [
    'ex:a\\# ex:p "x>#" .',
    "ex:s ex:p '''a'b''c<''' .",
    'ex:s ex:p """LOAD <http://e/>""" .',
    "ex:s ex:p <http://e/#LOAD> . # LOAD <http://e/>\n",
    'ex:s ex:p "\\u0022 LOAD" .',
]


@FAST
@given(
    triples=st.lists(st.sampled_from(DATA_TRAPS), max_size=4),
    load=st.sampled_from(["LOAD <{url}>", "load silent <{url}>", "LOAD<{url}>", "LOADt:sparql"]),
    has=st.booleans(),
)
def test_guard_and_engine_agree_on_load(
    engine: Engine, triples: list[str], load: str, has: bool
) -> None:
    base = engine.url.rsplit("/", 1)[0] + "/"
    ops = [f"INSERT DATA {{ {' '.join(triples)} }}"]
    ops += [load.format(url=engine.url)] if has else []
    update = PROLOGUE.format(base=base) + " ;\n".join(ops)
    connected, parsed = engine.connects(update, update=True)
    assert parsed, update
    assert connected == has
    found = analyse(update, codepoint_escapes=False)  # the engine's reading only
    assert ("LOAD" in found.updates or found.glued_load) == connected, update
    if connected:  # and the guard's union of both readings misses nothing
        assert "LOAD" in analyse(update).updates or analyse(update).glued_load


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_server_sends_nothing_for_any_generated_query(
    live: Live, engine: Engine, data: st.DataObject
) -> None:
    query, has = data.draw(hidden_service(engine.url))
    before = len(engine.listener.received)
    reply = live.get(query)
    time.sleep(0.05)
    assert len(engine.listener.received) == before, query
    assert reply.status == (403 if has else 200), (reply.text, query)
