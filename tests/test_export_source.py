"""Export from the emitted N-Quads: the same text the store writes, and the same dumps.

`canonical` must give, for any line emit can write (rdflib's text, nqtext.py), what an
Oxigraph store holding that quad writes; crafted lines cover each kind of difference and a
property test the rest. Then `export_dumps` from the file is compared with `export_dumps` from
the store loaded from it: the same N-Triples, Turtle, N-Quads and JSON-LD bytes, and a TriG of
the same quads, now sorted by graph and subject.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlkg import export_jsonld, nqtext
from dlkg.emit import BUILD_GRAPH
from dlkg.export import export_dumps
from dlkg.export_source import UnexpectedQuadError, canonical, graph_files
from dlkg.iris import IriMinter
from dlkg.resources import ontology_dir

XSD = "http://www.w3.org/2001/XMLSchema#"
BASE = "https://w3id.org/dlkg/"
MINTER = IriMinter(BASE)
GRAPHS = [BASE + "graph/a", BASE + "graph/a/b", BASE + "graph/é", str(MINTER.graph(BUILD_GRAPH))]


def _line(subject: str, obj: str, graph: str = GRAPHS[0]) -> bytes:
    return f"<{subject}> <http://schema.org/name> {obj} <{graph}> .\n".encode()


def _stored(data: bytes) -> set[bytes]:
    """What a store holding `data` writes: its N-Quads lines."""
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_QUADS)
    return set(store.dump(format=ox.RdfFormat.N_QUADS).splitlines(keepends=True))


def _typed(value: str, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'  # as written, whatever it means


CRAFTED = [
    nqtext.text("plain, as it is"),
    nqtext.lang_text("中文标题", "zh-Hans"),  # the store writes zh-hans
    nqtext.lang_text("Title", "en-GB"),
    nqtext.lang_text("title", "en"),
    nqtext.text("a tab\there, a bell \x07, a form feed \x0c, DEL \x7f"),
    nqtext.text("noncharacters \ufffe \uffff and U+2028 \u2028"),
    nqtext.text('quotes " and \\ backslashes, \r and \n escaped'),
    nqtext.integer(12),
    nqtext.integer(-3),
    _typed("007", "integer"),  # the store keeps integers as numbers: "7"
    _typed("+5", "integer"),
    _typed("-0", "integer"),
    nqtext.TRUE,
    _typed("1", "boolean"),
    nqtext.year(2016),
    _typed("2016+00:00", "gYear"),
    _typed("1.50", "decimal"),
    _typed("2026-12-04T10:00:00+00:00", "dateTime"),
    _typed("a string", "string"),  # written without its datatype
    _typed("not a number", "integer"),  # kept as written, not a native value
    "<https://example.org/an/iri>",
]


def test_crafted_lines_come_out_as_the_store_writes_them() -> None:
    data = b"".join(_line(f"{BASE}paper/{n}", obj) for n, obj in enumerate(CRAFTED))
    assert set(canonical(data).splitlines(keepends=True)) == _stored(data)
    # lines the store writes as they are stay as they are, in their order, before the others
    plain = _line(BASE + "paper/p", nqtext.text("plain")) + _line(BASE + "paper/q", "<urn:x>")
    assert canonical(plain) == plain
    assert canonical(plain + _line(BASE + "paper/r", nqtext.lang_text("x", "zh-Hans"))) == (
        plain + _line(BASE + "paper/r", '"x"@zh-hans')
    )


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_OBJECT = st.one_of(
    _TEXT.map(nqtext.text),
    st.tuples(_TEXT, st.sampled_from(["en", "EN", "zh-Hans", "zh-hans", "de-CH-1901"])).map(
        lambda pair: nqtext.lang_text(*pair)
    ),
    st.integers(-(10**6), 10**6).map(nqtext.integer),
    st.integers(1000, 2100).map(nqtext.year),
    st.tuples(
        st.sampled_from(["0", "01", "-0", "+7", "12", "true", "1", "2016", "2016Z", "1.0", "x"]),
        st.sampled_from(["integer", "boolean", "gYear", "decimal", "string", "double"]),
    ).map(lambda pair: _typed(*pair)),
)


@settings(max_examples=300, deadline=None)
@given(objects=st.lists(_OBJECT, min_size=1, max_size=20))
def test_any_emitted_literal_comes_out_as_the_store_writes_it(objects: list[str]) -> None:
    data = b"".join(_line(f"{BASE}paper/{n}", obj) for n, obj in enumerate(objects))
    assert set(canonical(data).splitlines(keepends=True)) == _stored(data)


def test_a_blank_node_label_inside_a_literal_is_text() -> None:
    line = _line(BASE + "paper/p", nqtext.text("see _:b1 in the data"))
    assert canonical(line) == line


def test_lines_go_to_the_files_of_their_graphs(tmp_path: Path) -> None:
    source = tmp_path / "emitted.nq"
    lines = [_line(f"{BASE}paper/{n}", nqtext.integer(n), GRAPHS[n % 3]) for n in range(30)]
    source.write_bytes(b"".join(lines))
    files = graph_files([source], GRAPHS, tmp_path)
    assert [str(g) for g, _ in files] == sorted(f"<{g}>" for g in GRAPHS[:3])
    for graph, path in files:
        expected = [line for line in lines if line.endswith(f" {graph} .\n".encode())]
        assert path.read_bytes() == b"".join(expected)


@pytest.mark.parametrize(
    "line",
    [
        b'<urn:s> <urn:p> "no graph" .\n',  # the default graph
        b'<urn:s> <urn:p> "x" <https://w3id.org/dlkg/graph/other> .\n',
        b'_:b <urn:p> "x" <https://w3id.org/dlkg/graph/a> .\n',
        # blank nodes after a first line of the same graph, as object and as subject
        b'<urn:s> <urn:p> "x" <https://w3id.org/dlkg/graph/a> .\n'
        b"<urn:s> <urn:p> _:o <https://w3id.org/dlkg/graph/a> .\n",
        b'<urn:s> <urn:p> "x" <https://w3id.org/dlkg/graph/a> .\n'
        b'_:s <urn:p> "y" <https://w3id.org/dlkg/graph/a> .\n',
        b'<urn:s> <urn:p> "x"@EN <https://w3id.org/dlkg/graph/a> .\n_:b <urn:p> "y"@EN '
        b"<https://w3id.org/dlkg/graph/a> .\n",
    ],
)
def test_a_line_export_cannot_place_is_an_error(line: bytes, tmp_path: Path) -> None:
    source = tmp_path / "emitted.nq"
    source.write_bytes(line)
    with pytest.raises(UnexpectedQuadError):
        graph_files([source], GRAPHS, tmp_path)


def _emitted(path: Path) -> None:
    """N-Quads as emit writes them (rdflib's text): graphs and subjects that are prefixes of
    others, non-ASCII, a triple in two graphs, language tags with capitals, typed literals."""
    lines = []
    for n, graph in enumerate(GRAPHS):
        for m, local in enumerate(("paper/s", "paper/s/t", "paper/s-t", "paper/sé")):
            subject = BASE + local
            lines += [
                _line(subject, nqtext.text("same in every graph"), graph),
                _line(subject, nqtext.text(f"{'long ' * 40}{n}-{m} 蒸馏"), graph),
                _line(subject, nqtext.lang_text(f"标题 {m}", "zh-Hans"), graph),
                _line(subject, nqtext.integer(m), graph),
                _line(subject, _typed("0" + str(m), "integer"), graph),
                _line(subject, f"<{BASE}person/p{m}>", graph),
            ]
    path.write_bytes(b"".join(reversed(lines)))  # not in any sorted order


@pytest.mark.parametrize("parallel_bytes", [1 << 40, 1])  # in this process; in child processes
def test_export_from_the_emitted_file_gives_the_dumps_of_the_store(
    parallel_bytes: int, tmp_path: Path
) -> None:
    emitted = tmp_path / "emitted.nq"
    _emitted(emitted)
    store = ox.Store()
    store.load(path=emitted, format=ox.RdfFormat.N_QUADS)
    context = ontology_dir() / "context.jsonld"
    args = {"minter": MINTER, "context_path": context, "run_bytes": 300}
    from_store = export_dumps(store, tmp_path / "scan", **args)
    from_file = export_dumps(
        store,
        tmp_path / "file",
        **args,
        parallel_bytes=parallel_bytes,
        nquads=[emitted],
        graphs=GRAPHS,
    )
    names = [d.file_name for d in from_file]
    assert names == [d.file_name for d in from_store]
    for name in names:
        scanned, read = (
            (tmp_path / "scan" / name).read_bytes(),
            (tmp_path / "file" / name).read_bytes(),
        )
        if name == "dlkg.trig":
            # the same quads, now by graph and subject
            parsed = [
                set(map(str, ox.parse(data, format=ox.RdfFormat.TRIG))) for data in (scanned, read)
            ]
            assert parsed[0] == parsed[1]
            subjects = [
                str(q.graph_name) + str(q.subject) for q in ox.parse(read, format=ox.RdfFormat.TRIG)
            ]
            assert subjects == sorted(subjects, key=lambda s: s.replace(">", "\0"))
        else:
            assert read == scanned, name
    assert {p.name for p in (tmp_path / "file").iterdir()} == {*names, "SHA256SUMS"}
    assert json.loads((tmp_path / "file" / "dlkg.jsonld").read_bytes())["@context"]


def test_the_json_ld_and_trig_in_two_parts_are_the_bytes_of_one_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a big build writes them in two child processes, each for about half of the graphs
    # (export_jsonld.Parts); joined, they are what one writer in this process writes
    emitted = tmp_path / "emitted.nq"
    _emitted(emitted)
    store = ox.Store()
    context = ontology_dir() / "context.jsonld"
    args = {"minter": MINTER, "context_path": context, "run_bytes": 300, "nquads": [emitted]}
    parts: list[list[int]] = []
    real_halves = export_jsonld._halves

    def halves(groups: export_jsonld.Groups) -> list[export_jsonld.Groups]:
        made = real_halves(groups)
        parts.append([len(part) for part in made])
        return made

    monkeypatch.setattr(export_jsonld, "_halves", halves)
    export_dumps(store, tmp_path / "one", **args, parallel_bytes=1 << 40, graphs=GRAPHS)
    export_dumps(store, tmp_path / "two", **args, parallel_bytes=1, graphs=GRAPHS)
    assert len(parts) == 1 and len(parts[0]) == 2 and min(parts[0]) >= 1
    for name in ("dlkg.jsonld", "dlkg.trig"):
        one, two = (tmp_path / folder / name for folder in ("one", "two"))
        assert two.read_bytes() == one.read_bytes(), name
    json.loads((tmp_path / "two" / "dlkg.jsonld").read_bytes())
    assert not [p for p in (tmp_path / "two").iterdir() if p.name.startswith(".")]
