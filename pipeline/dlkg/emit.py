"""Emit: resolved entities and source records → an rdflib Dataset, one named graph per source,
or the same quads streamed into a `QuadSink`'s N-Quads file (what `dlkg build` does).

See docs/data-model.md. Everything gets an IRI (no blank nodes) so sorted N-Triples are
canonical; the only clock-dependent triples live in the build graph.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from . import sources
from .formats import DUMP_FORMATS
from .iris import IriMinter
from .link.offline import add_identifiers
from .model import ListItem, Paper, Person, Resolution
from .namespaces import (
    DCAT,
    DCTERMS,
    DLKG,
    FOAF,
    OWL,
    PREFIXES,
    PROV,
    RDF,
    SCHEMA,
    SKOS,
    XSD,
)
from .quadsink import DatasetLike, GraphLike, QuadSink
from .records import Provenance, Section
from .sources import SourceKind

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
    line_index: dict[str, str] = field(default_factory=dict)


def _kind(list_id: str) -> SourceKind:
    """The source kind of a list (the registry in sources.py says which source, language and
    original list it has; translations reuse their original's section scheme)."""
    found = sources.of_list(list_id)
    if found is None:
        raise KeyError(f"no source kind describes the list {list_id!r}")
    return found


def _scheme_list(list_id: str) -> str:
    return _kind(list_id).section_list or list_id


def _year(year: int) -> Literal:
    return Literal(f"{year:04d}", datatype=XSD.gYear)


def xsd_integer(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


class _Emitter:
    def __init__(
        self, minter: IriMinter, sources: list[FetchedSource], sink: QuadSink | None
    ) -> None:
        self.m = minter
        self.ds: DatasetLike = Dataset() if sink is None else sink
        for prefix, ns in PREFIXES.items():
            self.ds.bind(prefix, ns)
        self.sources = {s.spec.id: s for s in sources}
        self.line_index: dict[str, str] = {}

    def graph(self, name: str) -> GraphLike:
        return self.ds.graph(self.m.graph(name))

    def index(self, node: URIRef, where: object) -> None:
        self.line_index.setdefault(str(node), str(where))

    # -- entities ---------------------------------------------------------------------------
    def paper(self, g: GraphLike, paper: Paper, work_type: URIRef) -> None:
        node = self.m.paper(paper.key)
        # Every listed work is a schema:CreativeWork; papers are also ScholarlyArticles, while
        # the lectures, tutorials and blogs of the awesome list are not (see work_type_of).
        g.add((node, RDF.type, SCHEMA.CreativeWork))
        g.add((node, RDF.type, work_type))
        if paper.title_en:
            g.add((node, SCHEMA.name, Literal(paper.title_en, lang="en")))
        for i, title in enumerate(paper.titles_zh):
            prop = SCHEMA.name if i == 0 else SCHEMA.alternateName
            g.add((node, prop, Literal(title, lang="zh-Hans")))
        for title in sorted(paper.alternate_titles):
            if title != paper.title_en:
                g.add((node, SCHEMA.alternateName, Literal(title, lang="en")))
        if paper.year is not None:
            g.add((node, SCHEMA.datePublished, _year(paper.year)))
        # arXiv id, preprint and version-of-record DOIs, lookup links (issue 12): link/offline.py
        add_identifiers(g, node, paper)
        for url in paper.urls:
            g.add((node, SCHEMA.url, URIRef(url)))
        g.add((node, DLKG.authorListComplete, Literal(paper.authors_complete)))
        for authorship in paper.authorships:
            a_node = self.m.authorship(paper.key, authorship.position)
            person = self.m.person(authorship.person_key)
            g.add((node, SCHEMA.author, person))
            g.add((node, DLKG.authorship, a_node))
            g.add((a_node, RDF.type, DLKG.Authorship))
            g.add((a_node, DLKG.person, person))
            g.add((a_node, SCHEMA.position, xsd_integer(authorship.position)))
            g.add((a_node, DLKG.nameAsWritten, Literal(authorship.name_as_written)))
            g.add((a_node, PROV.wasDerivedFrom, self.m.source(authorship.prov.source_id)))
            self.index(a_node, authorship.prov)
        for source_id in sorted({p.source_id for p in paper.provs}):
            g.add((node, PROV.wasDerivedFrom, self.m.source(source_id)))
        if paper.provs:
            self.index(node, min(paper.provs))

    def person(self, g: GraphLike, person: Person) -> None:
        node = self.m.person(person.key)
        g.add((node, RDF.type, SCHEMA.Person))
        g.add((node, SCHEMA.name, Literal(person.name)))
        if person.given:
            g.add((node, SCHEMA.givenName, Literal(person.given)))
        if person.family:
            g.add((node, SCHEMA.familyName, Literal(person.family)))
        for alt in sorted(person.alternate_names - {person.name}):
            g.add((node, SCHEMA.alternateName, Literal(alt)))
        for url in sorted(person.profile_urls):
            g.add((node, SCHEMA.url, URIRef(url)))
        if person.provs:
            self.index(node, min(person.provs))

    # -- lists ------------------------------------------------------------------------------
    def section(self, section: Section) -> None:
        source_id = section.prov.source_id
        g = self.graph(source_id)
        scheme_list = _scheme_list(section.list_id)
        node = self.m.section(scheme_list, section.key)
        g.add((node, SKOS.prefLabel, Literal(section.title, lang=section.lang)))
        if scheme_list != section.list_id:
            return  # a translation only adds its label to the original's concept
        scheme = self.m.section_scheme(scheme_list)
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.inScheme, scheme))
        if section.number:
            g.add((node, SKOS.notation, Literal(section.number)))
        if section.parent_key:
            g.add((node, SKOS.broader, self.m.section(scheme_list, section.parent_key)))
        else:
            g.add((node, SKOS.topConceptOf, scheme))
            g.add((scheme, SKOS.hasTopConcept, node))
        if section.top100 is not None:
            g.add((node, DLKG.top100, Literal(section.top100)))
        self.index(node, section.prov)

    def item_list(self, list_id: str, items: list[ListItem]) -> None:
        kind = _kind(list_id)
        source_id = kind.source_id
        fetched = self.sources.get(source_id)
        g = self.graph(source_id)
        node = self.m.list(list_id)
        scheme_list = _scheme_list(list_id)
        scheme = self.m.section_scheme(scheme_list)
        g.add((node, RDF.type, SCHEMA.ItemList))
        if fetched:
            spec = fetched.spec
            g.add((node, SCHEMA.name, Literal(spec.list_name or spec.title, lang=kind.language)))
            if spec.list_name_en:
                g.add((node, SCHEMA.name, Literal(spec.list_name_en, lang="en")))
        g.add((node, SCHEMA.inLanguage, Literal(kind.language)))
        g.add((node, SCHEMA.itemListOrder, SCHEMA.ItemListOrderAscending))
        g.add((node, SCHEMA.numberOfItems, xsd_integer(len(items))))
        g.add((node, DLKG.sectionScheme, scheme))
        g.add((node, DCTERMS.source, self.m.source(source_id)))
        if kind.original is not None:
            g.add((node, SCHEMA.translationOfWork, self.m.list(scheme_list)))
        else:
            g.add((scheme, RDF.type, SKOS.ConceptScheme))
            title = (fetched.spec.list_name or fetched.spec.title) if fetched else list_id
            g.add((scheme, SKOS.prefLabel, Literal(f"Sections of {title}", lang="en")))
        for item in items:
            self.list_item(g, node, scheme_list, item)

    def list_item(self, g: GraphLike, list_node: URIRef, scheme_list: str, item: ListItem) -> None:
        entry = item.entry
        node = self.m.list_item(item.list_id, item.key)
        g.add((list_node, SCHEMA.itemListElement, node))
        g.add((node, RDF.type, SCHEMA.ListItem))
        g.add((node, SCHEMA.item, self.m.paper(item.paper_key)))
        g.add((node, SCHEMA.position, xsd_integer(entry.position)))
        g.add((node, DLKG.section, self.m.section(scheme_list, entry.section_key)))
        g.add((node, DLKG.statedTitle, Literal(entry.title, lang=entry.title_lang)))
        if entry.original_title:
            g.add((node, DLKG.statedOriginalTitle, Literal(entry.original_title, lang="en")))
        if entry.year is not None:
            g.add((node, DLKG.statedYear, _year(entry.year)))
        if entry.authors_text:
            g.add((node, DLKG.statedAuthors, Literal(entry.authors_text)))
        if entry.venue:
            g.add((node, DLKG.statedVenue, Literal(entry.venue)))
        if entry.number is not None:
            g.add((node, DLKG.entryNumber, Literal(entry.number)))
        if entry.stars is not None:
            g.add((node, DLKG.stars, xsd_integer(entry.stars)))
        if entry.note:
            g.add((node, DLKG.note, Literal(entry.note, lang="en")))
        if entry.commentary:
            g.add((node, DLKG.commentary, Literal(entry.commentary, lang="zh-Hans")))
        if entry.recommendation:
            g.add((node, DLKG.recommendation, Literal(entry.recommendation, lang="zh-Hans")))
        if entry.subsection:
            g.add((node, DLKG.subsection, Literal(entry.subsection)))
        for i, link in enumerate(entry.links, start=1):
            l_node = self.m.item_link(item.list_id, item.key, i)
            g.add((node, DLKG.link, l_node))
            g.add((l_node, RDF.type, DLKG.Link))
            g.add((l_node, SCHEMA.url, URIRef(link.url)))
            g.add((l_node, DLKG.linkKind, Literal(link.kind)))
            g.add((l_node, SCHEMA.position, xsd_integer(i)))
        g.add((node, DLKG.sourceLine, xsd_integer(entry.prov.line)))
        g.add((node, PROV.wasDerivedFrom, self.m.source(entry.prov.source_id)))
        self.index(node, entry.prov)

    # -- source records -----------------------------------------------------------------------
    def bib_entries(self, resolution: Resolution) -> None:
        for entry, paper_key in resolution.bib_entries:
            g = self.graph(entry.prov.source_id)
            node = self.m.bib_entry(entry.prov.source_id, entry.key)
            g.add((node, RDF.type, DLKG.BibEntry))
            g.add((node, DLKG.citationKey, Literal(entry.key)))
            g.add((node, DLKG.statedTitle, Literal(entry.title, lang="en")))
            g.add((node, DLKG.statedAuthors, Literal(" and ".join(entry.authors))))
            if entry.year is not None:
                g.add((node, DLKG.statedYear, _year(entry.year)))
            if entry.venue:
                g.add((node, DLKG.statedVenue, Literal(entry.venue)))
            if paper_key:
                g.add((node, SCHEMA.about, self.m.paper(paper_key)))
            g.add((node, DLKG.sourceLine, xsd_integer(entry.prov.line)))
            g.add((node, PROV.wasDerivedFrom, self.m.source(entry.prov.source_id)))
            self.index(node, entry.prov)

    def stated_authorships(self, resolution: Resolution) -> None:
        """Each written name of each record, in its source's graph: which line said what."""
        records: dict[Provenance, URIRef] = {
            item.entry.prov: self.m.list_item(item.list_id, item.key) for item in resolution.items
        }
        for entry, _key in resolution.bib_entries:
            records[entry.prov] = self.m.bib_entry(entry.prov.source_id, entry.key)
        seen: set[tuple[URIRef, int]] = set()
        for mention in resolution.person_mentions:
            record = records.get(mention.prov)
            if mention.position < 1 or record is None or (record, mention.position) in seen:
                continue  # key researchers (position 0) are linked from their section instead
            seen.add((record, mention.position))
            g = self.graph(mention.prov.source_id)
            node = URIRef(f"{record}/author/{mention.position}")
            g.add((record, DLKG.authorship, node))
            g.add((node, RDF.type, DLKG.Authorship))
            g.add((node, DLKG.person, self.m.person(mention.person_key)))
            g.add((node, SCHEMA.position, xsd_integer(mention.position)))
            g.add((node, DLKG.nameAsWritten, Literal(mention.name_as_written)))
            g.add((node, DLKG.sourceLine, xsd_integer(mention.prov.line)))
            g.add((node, PROV.wasDerivedFrom, self.m.source(mention.prov.source_id)))
            self.index(node, mention.prov)

    def key_researchers(self, resolution: Resolution) -> None:
        for record, person_key in resolution.key_researchers:
            g = self.graph(record.prov.source_id)
            scheme_list = _scheme_list(record.list_id)
            section = self.m.section(scheme_list, record.section_key)
            g.add((section, DLKG.keyResearcher, self.m.person(person_key)))

    # -- metadata -----------------------------------------------------------------------------
    def sources_meta(self, g: GraphLike) -> None:
        for source_id, fetched in sorted(self.sources.items()):
            spec = fetched.spec
            node = self.m.source(source_id)
            g.add((node, RDF.type, PROV.Entity))
            g.add((node, RDF.type, SCHEMA.DigitalDocument))
            g.add((node, DCTERMS.title, Literal(spec.title)))
            g.add((node, DCTERMS.identifier, Literal(spec.id)))
            g.add((node, SCHEMA.inLanguage, Literal(spec.language)))
            g.add((node, DLKG.sha256, Literal(spec.sha256)))
            g.add((node, SCHEMA.name, Literal(spec.file_name)))
            if spec.licence:
                g.add((node, DCTERMS.license, URIRef(spec.licence)))
            if spec.url:
                g.add((node, DCAT.downloadURL, URIRef(spec.url)))
            if spec.homepage:
                g.add((node, DCTERMS.source, URIRef(spec.homepage)))
                g.add((node, FOAF.page, URIRef(spec.homepage)))
            if spec.commit:
                g.add((node, SCHEMA.version, Literal(spec.commit)))
            if spec.translation_of:
                g.add((node, SCHEMA.translationOfWork, self.m.source(spec.translation_of)))


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
) -> Emitted:
    """Turn a Resolution into a Dataset (without the meta and build graphs: see describe()),
    or, given a `sink`, stream the quads into its N-Quads file (the build: issue 13)."""
    e = _Emitter(minter, sources, sink)
    entities = e.graph(ENTITIES_GRAPH)
    sections_of: dict[str, set[str]] = defaultdict(set)
    venues_of: dict[str, set[str]] = defaultdict(set)
    for item in resolution.items:
        sections_of[item.paper_key].add(item.entry.section_key)
        if item.entry.venue:
            venues_of[item.paper_key].add(item.entry.venue)
    for key in sorted(resolution.papers):
        work_type = work_type_of(sections_of[key], venues_of[key])
        e.paper(entities, resolution.papers[key], work_type)
    for key in sorted(resolution.persons):
        e.person(entities, resolution.persons[key])
    for section in resolution.sections:
        e.section(section)
    by_list: dict[str, list[ListItem]] = defaultdict(list)
    for item in resolution.items:
        by_list[item.list_id].append(item)
    for list_id in sorted(by_list):
        e.item_list(list_id, sorted(by_list[list_id], key=lambda i: i.entry.position))
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
    return Emitted(e.ds, e.line_index)


def graph_counts(ds: DatasetLike) -> dict[str, int]:
    """Triples per named graph (by IRI), in IRI order (rdflib's graph order is a set's)."""
    counts = {
        str(g.identifier): len(g)
        for g in ds.graphs()
        if g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g)
    }
    return dict(sorted(counts.items()))
