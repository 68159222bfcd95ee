"""emit + store: small hand-made resolutions, IRIs, round trips through pyoxigraph."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st

from dlkg.common import load_turtle_dir, union_graph
from dlkg.emit import emit, work_type_of
from dlkg.iris import IriMinter, slugify
from dlkg.line_index import LineIndexFile
from dlkg.load import load_store
from dlkg.model import Authorship, ListItem, Paper, Person, Resolution
from dlkg.namespaces import DLKG, SCHEMA
from dlkg.records import Entry, Link, Provenance, Section
from dlkg.resources import ontology_dir
from dlkg.store import open_read_only

BASE = "http://example.org/kg/"


def _resolution(title: str = "Distilling the knowledge", commentary: str = "很好") -> Resolution:
    prov = Provenance("roadmap-readme", "README.md", 7)
    zh = Provenance("zh-roadmap-blog", "blog.md", 3)
    paper = Paper(key="arxiv-1503.02531", title_en=title, year=2015, arxiv_id="1503.02531")
    paper.authorships = [Authorship("hinton-g", 1, "Hinton, Geoffrey", prov)]
    paper.provs = {prov, zh}
    person = Person(key="hinton-g", name="Geoffrey Hinton", given="Geoffrey", family="Hinton")
    en_entry = Entry(
        list_id="roadmap",
        section_key="2.7",
        position=1,
        title=title,
        title_lang="en",
        prov=prov,
        number="56",
        stars=3,
        links=(Link("http://arxiv.org/pdf/1503.02531", "pdf"),),
    )
    zh_entry = Entry(
        list_id="zh-roadmap-blog",
        section_key="2.7",
        position=1,
        title=title,
        title_lang="en",
        prov=zh,
        commentary=commentary,
    )
    return Resolution(
        papers={paper.key: paper},
        persons={person.key: person},
        items=[
            ListItem("roadmap", "2.7/arxiv-1503.02531", paper.key, en_entry),
            ListItem("zh-roadmap-blog", "2.7/arxiv-1503.02531", paper.key, zh_entry),
        ],
        sections=[
            Section("roadmap", "2.7", "Transfer", "en", prov, parent_key=None, number="2.7"),
            Section("zh-roadmap-blog", "2.7", "迁移", "zh-Hans", zh),
        ],
    )


def _lines(graph: rdflib.Graph) -> set[str]:
    # Language tags compare case-insensitively (RDF 1.1); pyoxigraph writes them lower-case.
    return {
        re.sub(r'"@([A-Za-z-]+) \.$', lambda m: f'"@{m.group(1).lower()} .', line)
        for line in graph.serialize(format="nt").splitlines()
    }


def test_emit_uses_the_configured_base_and_named_graphs() -> None:
    minter = IriMinter(BASE)
    emitted = emit(_resolution(), [], minter=minter, ontology=load_turtle_dir(ontology_dir()))
    graphs = {str(g.identifier) for g in emitted.dataset.graphs() if len(g)}
    assert f"{BASE}graph/entities" in graphs
    assert f"{BASE}graph/roadmap-readme" in graphs
    assert f"{BASE}graph/zh-roadmap-blog" in graphs
    union = union_graph(emitted.dataset)
    paper = rdflib.URIRef(f"{BASE}paper/arxiv-1503.02531")
    assert (paper, rdflib.RDF.type, SCHEMA.ScholarlyArticle) in union
    assert (paper, SCHEMA.sameAs, rdflib.URIRef("https://arxiv.org/abs/1503.02531")) in union
    # The translation labels the original's section and reuses its scheme.
    section = rdflib.URIRef(f"{BASE}list/roadmap/section/2.7")
    assert (section, rdflib.SKOS.prefLabel, rdflib.Literal("迁移", lang="zh-Hans")) in union
    zh_item = rdflib.URIRef(f"{BASE}list/zh-roadmap-blog/item/2.7/arxiv-1503.02531")
    assert (zh_item, DLKG.section, section) in union
    assert emitted.line_index[str(zh_item)] == "zh-roadmap-blog:3"  # the source id names the input
    assert not any(isinstance(t, rdflib.BNode) for q in union for t in q)


def test_non_paper_sections_are_not_scholarly_articles() -> None:
    assert work_type_of({"video-lectures-tutorials-blogs/blogs"}) == SCHEMA.Blog
    assert work_type_of({"video-lectures-tutorials-blogs/lectures"}) == SCHEMA.Course
    assert work_type_of({"old-papers"}) == SCHEMA.ScholarlyArticle
    mixed = {"old-papers", "video-lectures-tutorials-blogs/blogs"}
    assert work_type_of(mixed) == SCHEMA.ScholarlyArticle


text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)


@settings(max_examples=40, deadline=None)
@given(title=text, commentary=text)
def test_round_trip_through_pyoxigraph_nquads_is_isomorphic(title: str, commentary: str) -> None:
    emitted = emit(
        _resolution(title or "x", commentary or "y"),
        [],
        minter=IriMinter(BASE),
        ontology=rdflib.Graph(),
    )
    nquads = emitted.dataset.serialize(format="nquads", encoding="utf-8")
    store = ox.Store()
    store.load(nquads, format=ox.RdfFormat.N_QUADS)
    back = rdflib.Dataset()
    back.parse(data=store.dump(format=ox.RdfFormat.N_QUADS), format="nquads")
    # No blank nodes anywhere, so isomorphism is equality of the N-Triples line sets.
    assert _lines(union_graph(back)) == _lines(union_graph(emitted.dataset))


def test_on_disk_store_loads_and_refuses_to_overwrite(tmp_path: Path) -> None:
    emitted = emit(_resolution(), [], minter=IriMinter(BASE), ontology=rdflib.Graph())
    nquads = emitted.dataset.serialize(format="nquads", encoding="utf-8")
    count = load_store(nquads, tmp_path / "run" / "store")
    assert count == sum(1 for _ in emitted.dataset.quads((None, None, None, None)))
    store = open_read_only(tmp_path / "run" / "store")
    assert len(store) == count
    import pytest

    from dlkg.errors import StoreError

    with pytest.raises(StoreError, match="existing folder"):
        load_store(nquads, tmp_path / "run" / "store")


@given(st.text(max_size=60))
def test_slugify_is_ascii_and_idempotent(value: str) -> None:
    slug = slugify(value)
    assert slug.isascii()
    assert slugify(slug) == slug


def test_the_line_index_written_as_emit_goes_is_the_one_emit_holds(tmp_path: Path) -> None:
    # the build's emit writes the index into a file (never a dict of every node at x1000)
    ontology = load_turtle_dir(ontology_dir())
    held = emit(_resolution(), [], minter=IriMinter(BASE), ontology=ontology).line_index
    written = emit(
        _resolution(),
        [],
        minter=IriMinter(BASE),
        ontology=ontology,
        line_index_path=tmp_path / "index.sqlite",
    ).line_index
    assert isinstance(written, LineIndexFile)
    assert len(held) >= 5 and dict(written) == dict(held)
