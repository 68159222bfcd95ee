"""`jsontext.pretty` writes what `json.dumps(indent=1, sort_keys=True, ensure_ascii=False)`
writes, and the streamed JSON-LD document is that of `json.dumps` of the whole document."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from dlkg.jsonld import compact_dataset
from dlkg.jsontext import pretty
from dlkg.resources import ontology_dir

VALUES: list[object] = [
    "",
    "plain",
    'quotes " and \\ backslash',
    "new\nline\ttab\x00nul\x1fand \u2028 \ud7ff",
    "蒸馏 Ωé 🙂",
    0,
    -7,
    12345678901234567890,
    True,
    False,
    None,
    1.5,
    {},
    [],
    {"@type": "xsd:integer", "@value": "007"},
    {"@language": "zh-Hans", "@value": "蒸馏"},
    {"b": [1, {"z": [], "a": {}}], "a": ["x", True, None]},
    [{"@id": "_:b1"}, "https://example.org/é", [[]], [1, [2, [3]]]],
    {"@id": "https://w3id.org/dlkg/paper/p", "@type": ["A", "b"], "name": "n", "position": 2},
]


@pytest.mark.parametrize("depth", [0, 1, 2, 4])
@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_pretty_is_json_dumps_indented_to_its_depth(value: object, depth: int) -> None:
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    assert pretty(value, depth) == text.replace("\n", "\n" + " " * depth)


def _context() -> dict[str, object]:
    context: dict[str, object] = json.loads((ontology_dir() / "context.jsonld").read_bytes())[
        "@context"
    ]
    return context


@pytest.mark.parametrize("default_graph", [True, False])
@pytest.mark.parametrize("named_graphs", [0, 1, 3])
def test_the_streamed_document_is_json_dumps_of_itself(
    default_graph: bool, named_graphs: int
) -> None:
    name = ox.NamedNode("http://schema.org/name")
    graphs: list[ox.NamedNode | ox.DefaultGraph] = [
        ox.NamedNode(f"https://w3id.org/dlkg/graph/g{n}") for n in range(named_graphs)
    ]
    if default_graph:
        graphs.append(ox.DefaultGraph())
    quads = [
        ox.Quad(subject, name, ox.Literal(f"{n} é"), graph)
        for n, graph in enumerate(graphs)
        for subject in (ox.NamedNode("https://w3id.org/dlkg/paper/p"), ox.BlankNode("b1"))
    ]
    document = compact_dataset(quads, _context(), "https://w3id.org/dlkg/downloads/context.jsonld")
    parsed = json.loads(document)
    assert len(parsed["@graph"]) == named_graphs + (2 if default_graph else 0)
    again = json.dumps(parsed, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    assert document == again
