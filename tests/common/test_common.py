"""The shared helpers: atomic writes, sha256, Turtle folders, graph union, PREFIX blocks."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from dlkg.common import (
    PREFIX_BLOCK,
    graph_prefixes,
    load_turtle_dir,
    prefix_block,
    sha256_bytes,
    sha256_file,
    turtle_files,
    union_graph,
    write_atomic,
)
from dlkg.namespaces import PREFIXES

EX = "http://example.org/"


def test_write_atomic_replaces_whole_files_readable_by_all(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.txt"
    write_atomic(target, b"first")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]  # no temporary left


def test_write_atomic_leaves_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_atomic(target, b"kept")
    with pytest.raises(TypeError):
        write_atomic(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"kept"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_sha256_of_bytes_and_of_a_file_agree(tmp_path: Path) -> None:
    data = bytes(range(256)) * 5000  # more than one 1 MiB chunk
    path = tmp_path / "blob"
    path.write_bytes(data)
    assert sha256_file(path) == sha256_bytes(data) == hashlib.sha256(data).hexdigest()


def test_load_turtle_dir_reads_every_file_and_refuses_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "b.ttl").write_text(f"<{EX}b> <{EX}p> 2 .\n", encoding="utf-8")
    (tmp_path / "a.ttl").write_text(f"<{EX}a> <{EX}p> 1 .\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not turtle", encoding="utf-8")
    assert [p.name for p in turtle_files(tmp_path)] == ["a.ttl", "b.ttl"]
    assert len(load_turtle_dir(tmp_path)) == 2
    with pytest.raises(FileNotFoundError, match=r"no \.ttl files"):
        load_turtle_dir(tmp_path / "nothing")


def test_union_graph_merges_named_graphs_but_the_skipped_ones() -> None:
    ds = Dataset()
    triple = (URIRef(f"{EX}s"), URIRef(f"{EX}p"), Literal(1))
    ds.graph(URIRef(f"{EX}g1")).add(triple)
    ds.graph(URIRef(f"{EX}g2")).add(triple)
    ds.graph(URIRef(f"{EX}skip")).add((URIRef(f"{EX}x"), URIRef(f"{EX}p"), Literal(2)))
    union = union_graph(ds, skip={f"{EX}skip"})
    assert set(union) == {triple}
    bound = {str(namespace) for _prefix, namespace in union.namespaces()}
    assert set(PREFIXES.values()) <= bound
    plain = Graph()
    plain.add(triple)
    assert set(union_graph(plain)) == {triple}


def test_graph_prefixes_add_only_prefixes_the_standard_lacks() -> None:
    graph = Graph(bind_namespaces="none")
    graph.bind("own", "https://example.org/own#")
    graph.bind("myschema", PREFIXES["schema"])  # a standard namespace under another name
    prefixes = graph_prefixes(graph)
    assert prefixes["own"] == "https://example.org/own#"
    assert "myschema" not in prefixes
    assert {k: prefixes[k] for k in PREFIXES} == PREFIXES


def test_prefix_block_is_valid_sparql_for_every_prefix() -> None:
    from pyoxigraph import Store

    assert prefix_block(PREFIXES) == PREFIX_BLOCK
    assert PREFIX_BLOCK.count("PREFIX ") == len(PREFIXES)
    assert Store().query(PREFIX_BLOCK + "ASK { ?s schema:name ?o }") is not None


def test_plain_prefixes_name_the_same_namespaces_as_rdflib() -> None:
    """prefixes.py (no rdflib, for the query path) and rdflib's constants must agree."""
    from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, VOID, XSD

    from dlkg import namespaces

    rdflib_names = {"dcterms": DCTERMS, "foaf": FOAF, "skos": SKOS, "prov": PROV, "void": VOID}
    rdflib_names |= {"dcat": DCAT, "sh": SH, "owl": OWL, "rdf": RDF, "rdfs": RDFS, "xsd": XSD}
    rdflib_names |= {"schema": namespaces.SCHEMA, "bibo": namespaces.BIBO, "sd": namespaces.SD}
    for name, namespace in rdflib_names.items():
        assert PREFIXES[name] == str(namespace), name
    assert str(namespaces.DLKG.top100) == PREFIXES["dlkg"] + "top100"
