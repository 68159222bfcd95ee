"""Emit: resolved entities and source records → N-Quads streamed into a `QuadSink`'s file, one
named graph per source (what `dlkg build` does), or the same quads as an rdflib Dataset.

The entities are written as N-Quads text, not as rdflib terms (nqtext.py: the same bytes
rdflib's writer gives; issue 13: x1000 writes 25M quads).

See docs/data-model.md. Everything gets an IRI (no blank nodes) so sorted N-Triples are
canonical; the only clock-dependent triples live in the build graph.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from .emit_text import Emitter
from .formats import DUMP_FORMATS
from .iris import IriMinter
from .line_index import LineIndexWriter
from .model import ListItem, Resolution
from .namespaces import OWL, PREFIXES, SCHEMA, XSD
from .quadsink import DatasetLike, QuadSink

if TYPE_CHECKING:  # only a type here: emitting does not need the fetch stage
    from .fetch import FetchedSource

ENTITIES_GRAPH = "entities"
META_GRAPH = "meta"
BUILD_GRAPH = "build"
ONTOLOGY_GRAPH = "ontology"
DUMP_FILES = tuple(f"dlkg.{fmt.extension}" for fmt in DUMP_FORMATS)  # dlkg.nt, dlkg.ttl...


@dataclass
class Emitted:
    dataset: DatasetLike
    # node IRI -> "file:line" of the record behind it, for readable validation reports
    line_index: Mapping[str, str] = field(default_factory=dict)


def xsd_integer(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


# Subsections of the awesome list's "Video Lectures / Tutorials / Blogs" that list no papers.
_NON_PAPER_SECTIONS = {
    "video-lectures-tutorials-blogs/lectures": SCHEMA.Course,
    "video-lectures-tutorials-blogs/tutorials": SCHEMA.CreativeWork,
    "video-lectures-tutorials-blogs/blogs": SCHEMA.Blog,
}


_BOOK = re.compile(r"\bbook\b", re.IGNORECASE)


def work_type_of(section_keys: set[str], venues: Iterable[str] = ()) -> URIRef:
    """schema:ScholarlyArticle, unless every list item of the work is a lecture, tutorial or
    blog, or a source calls it a book ("(Book, 2016)", "An MIT Press book.")."""
    if any(_BOOK.search(v) for v in venues):
        return SCHEMA.Book
    types = {_NON_PAPER_SECTIONS.get(key) for key in section_keys}
    if len(types) == 1 and None not in types:
        (only,) = types
        assert only is not None
        return only
    return SCHEMA.ScholarlyArticle


def emit(
    resolution: Resolution,
    sources: list[FetchedSource],
    *,
    minter: IriMinter,
    ontology: Graph,
    sink: QuadSink | None = None,
    line_index_path: Path | None = None,
) -> Emitted:
    """Stream the quads of a Resolution into `sink`'s N-Quads file (the build: issue 13), or,
    without a sink, return them as an rdflib Dataset (without the meta and build graphs: see
    describe()), parsed from the same text. With `line_index_path`, the line index is written
    into that SQLite file as emit goes (line_index.py) instead of held as a dict."""
    buffer: io.StringIO | None = None
    if sink is None:
        buffer = io.StringIO()
        out = QuadSink(buffer)
    else:
        out = sink
    writer = None if line_index_path is None else LineIndexWriter(line_index_path)
    try:
        return _emit_into(resolution, sources, minter, ontology, out, buffer, writer)
    except BaseException:
        if writer is not None:
            writer.discard()
        raise


def _emit_into(
    resolution: Resolution,
    sources: list[FetchedSource],
    minter: IriMinter,
    ontology: Graph,
    out: QuadSink,
    buffer: io.StringIO | None,
    writer: LineIndexWriter | None,
) -> Emitted:
    held: dict[str, str] = {}  # the line index, when no writer takes it
    e = Emitter(minter, sources, out, held if writer is None else writer)
    entities = e.graph(ENTITIES_GRAPH)
    sections_of: dict[str, set[str]] = defaultdict(set)
    venues_of: dict[str, set[str]] = defaultdict(set)
    for item in resolution.items:
        sections_of[item.paper_key].add(item.entry.section_key)
        if item.entry.venue:
            venues_of[item.paper_key].add(item.entry.venue)
    for key in sorted(resolution.papers):
        work_type = str(work_type_of(sections_of[key], venues_of[key]))
        e.paper(entities, resolution.papers[key], work_type)
    del sections_of, venues_of
    for key in sorted(resolution.persons):
        e.person(entities, resolution.persons[key])
    for section in resolution.sections:
        e.section(section)
    by_list: dict[str, list[ListItem]] = defaultdict(list)
    for item in resolution.items:
        by_list[item.list_id].append(item)
    for list_id in sorted(by_list):
        e.item_list(list_id, sorted(by_list.pop(list_id), key=lambda i: i.entry.position))
    e.bib_entries(resolution)
    e.stated_authorships(resolution)
    e.key_researchers(resolution)
    for kind, key_a, key_b, _reason in getattr(resolution, "different_from", []):
        mint = e.m.person if kind == "person" else e.m.paper
        entities.add((mint(key_a), OWL.differentFrom, mint(key_b)))
    onto = e.graph(ONTOLOGY_GRAPH)
    for triple in ontology:
        onto.add(triple)
    e.sources_meta(e.graph(META_GRAPH))
    line_index: Mapping[str, str] = held if writer is None else writer.close()
    if buffer is None:
        return Emitted(out, line_index)
    dataset = Dataset()
    for prefix, ns in PREFIXES.items():
        dataset.bind(prefix, ns)
    dataset.parse(data=buffer.getvalue(), format="nquads")
    return Emitted(dataset, line_index)


def graph_counts(ds: DatasetLike) -> dict[str, int]:
    """Triples per named graph (by IRI), in IRI order (rdflib's graph order is a set's)."""
    counts = {
        str(g.identifier): len(g)
        for g in ds.graphs()
        if g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g)
    }
    return dict(sorted(counts.items()))
