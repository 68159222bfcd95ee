"""The emitter behind `emit.emit`: each entity's quads written as N-Quads text (issue 13).

Every data triple goes through `SinkGraph.add_text` with its terms already in N-Quads text
(nqtext.py, the bytes rdflib's writer gives), not as rdflib terms: at x1000 emit writes 25M
quads, and making a URIRef or Literal per term and asking its `n3()` was most of its time.
The few triples per source (sources_meta) still go through rdflib terms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from . import nqtext, sources
from .iris import IriMinter
from .link.offline import identifier_pairs
from .model import ListItem, Paper, Person, Resolution
from .namespaces import DCAT, DCTERMS, DLKG, FOAF, PROV, RDF, SCHEMA, SKOS
from .nqtext import integer, lang_text, literal
from .quadsink import QuadSink, SinkGraph
from .records import Provenance, Section
from .sources import SourceKind

if TYPE_CHECKING:  # only a type here: emitting does not need the fetch stage
    from .fetch import FetchedSource

__all__ = ["Emitter"]


def _kind(list_id: str) -> SourceKind:
    """The source kind of a list (the registry in sources.py says which source, language and
    original list it has; translations reuse their original's section scheme)."""
    found = sources.of_list(list_id)
    if found is None:
        raise KeyError(f"no source kind describes the list {list_id!r}")
    return found


def _scheme_list(list_id: str) -> str:
    return _kind(list_id).section_list or list_id


class _Vocabulary:
    """The N-Quads text of a vocabulary's terms emit writes, made once (`V.name` is a dict
    look-up, where `SCHEMA.name` made a new URIRef through rdflib's Namespace each time)."""

    def __init__(self, namespace: Namespace | type[DefinedNamespace], names: str) -> None:
        for name in names.split():
            setattr(self, name, nqtext.iri(str(namespace[name])))

    def __getattr__(self, name: str) -> str:  # only for names not made above: a typo
        raise AttributeError(f"no N-Quads text made for {name!r}")


S = _Vocabulary(
    SCHEMA,
    "name alternateName datePublished url author position givenName familyName inLanguage "
    "itemListOrder numberOfItems translationOfWork itemListElement item about",
)
D = _Vocabulary(
    DLKG,
    "authorListComplete authorship person nameAsWritten top100 sectionScheme section statedTitle "
    "statedOriginalTitle statedYear statedAuthors statedVenue entryNumber stars note commentary "
    "recommendation subsection link linkKind sourceLine citationKey keyResearcher",
)
K = _Vocabulary(SKOS, "prefLabel inScheme notation broader topConceptOf hasTopConcept")
DERIVED = nqtext.iri(str(PROV.wasDerivedFrom))
SOURCE = nqtext.iri(str(DCTERMS.source))
# classes: plain strings (the sink writes their rdf:type lines and counts their subjects)
AUTHORSHIP, LINK, BIB_ENTRY = str(DLKG.Authorship), str(DLKG.Link), str(DLKG.BibEntry)
CONCEPT, CONCEPT_SCHEME = str(SKOS.Concept), str(SKOS.ConceptScheme)
CREATIVE_WORK, PERSON = str(SCHEMA.CreativeWork), str(SCHEMA.Person)
ITEM_LIST, LIST_ITEM = str(SCHEMA.ItemList), str(SCHEMA.ListItem)


def _node(value: str) -> str:
    """A minted IRI's N-Quads text (minted IRIs are quoted: no character rdflib refuses).

    An f-string, not `"<" + value`: a URIRef's `__radd__` would make a URIRef of the text."""
    return f"<{value}>"


class LineIndexSink(Protocol):
    """Where emit names each node's source line: a dict, or line_index.LineIndexWriter."""

    def setdefault(self, iri: str, at: str, /) -> str: ...


class Emitter:
    """Writes each entity's lines as N-Quads text (nqtext.py) into the sink's graphs."""

    def __init__(
        self,
        minter: IriMinter,
        sources: list[FetchedSource],
        sink: QuadSink,
        line_index: LineIndexSink,
    ) -> None:
        self.m = minter
        self.ds = sink
        self.sources = {s.spec.id: s for s in sources}
        self.line_index = line_index
        self._source_text: dict[str, str] = {}
        # the IRI of each list item and BibTeX entry by its record's provenance, for the
        # stated authorships (minted once, in list_item and bib_entries)
        self._records: dict[Provenance, str] = {}

    def graph(self, name: str) -> SinkGraph:
        return self.ds.graph(self.m.graph(name))

    def index(self, node: str, where: object) -> None:
        self.line_index.setdefault(str(node), str(where))

    def source(self, source_id: str) -> str:
        found = self._source_text.get(source_id)
        if found is None:
            found = self._source_text[source_id] = _node(self.m.source(source_id))
        return found

    # -- entities ---------------------------------------------------------------------------
    def paper(self, g: SinkGraph, paper: Paper, work_type: str) -> None:
        node = self.m.paper(paper.key)
        s = _node(node)
        # Every listed work is a schema:CreativeWork; papers are also ScholarlyArticles, while
        # the lectures, tutorials and blogs of the awesome list are not (see work_type_of).
        pairs: list[str] = []
        add = pairs.append
        if paper.title_en:
            add(f"{S.name} {lang_text(paper.title_en, 'en')}")
        for i, title in enumerate(paper.titles_zh):
            add(f"{S.name if i == 0 else S.alternateName} {lang_text(title, 'zh-Hans')}")
        for title in sorted(paper.alternate_titles):
            if title != paper.title_en:
                add(f"{S.alternateName} {lang_text(title, 'en')}")
        if paper.year is not None:
            add(f"{S.datePublished} {nqtext.year(paper.year)}")
        # arXiv id, preprint and version-of-record DOIs, lookup links (issue 12): link/offline.py
        pairs.extend(identifier_pairs(paper))
        for url in paper.urls:
            add(f"{S.url} {nqtext.iri(url)}")
        add(f"{D.authorListComplete} {literal(paper.authors_complete)}")
        for authorship in paper.authorships:
            a_node = self.m.authorship(paper.key, authorship.position)
            a, person = _node(a_node), _node(self.m.person(authorship.person_key))
            add(f"{S.author} {person}")
            add(f"{D.authorship} {a}")
            a_pairs = [
                f"{D.person} {person}",
                f"{S.position} {integer(authorship.position)}",
                f"{D.nameAsWritten} {literal(authorship.name_as_written)}",
                f"{DERIVED} {self.source(authorship.prov.source_id)}",
            ]
            g.add_text(a, a_pairs, (AUTHORSHIP,))
            self.index(a_node, authorship.prov)
        for source_id in sorted({p.source_id for p in paper.provs}):
            add(f"{DERIVED} {self.source(source_id)}")
        g.add_text(s, pairs, (CREATIVE_WORK, work_type))
        if paper.provs:
            self.index(node, min(paper.provs))

    def person(self, g: SinkGraph, person: Person) -> None:
        node = self.m.person(person.key)
        pairs = [f"{S.name} {literal(person.name)}"]
        if person.given:
            pairs.append(f"{S.givenName} {literal(person.given)}")
        if person.family:
            pairs.append(f"{S.familyName} {literal(person.family)}")
        for alt in sorted(person.alternate_names - {person.name}):
            pairs.append(f"{S.alternateName} {literal(alt)}")
        for url in sorted(person.profile_urls):
            pairs.append(f"{S.url} {nqtext.iri(url)}")
        g.add_text(_node(node), pairs, (PERSON,))
        if person.provs:
            self.index(node, min(person.provs))

    # -- lists ------------------------------------------------------------------------------
    def section(self, section: Section) -> None:
        g = self.graph(section.prov.source_id)
        scheme_list = _scheme_list(section.list_id)
        node = self.m.section(scheme_list, section.key)
        pairs = [f"{K.prefLabel} {lang_text(section.title, section.lang)}"]
        if scheme_list != section.list_id:
            # a translation only adds its label to the original's concept
            g.add_text(_node(node), pairs)
            return
        scheme = _node(self.m.section_scheme(scheme_list))
        pairs.append(f"{K.inScheme} {scheme}")
        if section.number:
            pairs.append(f"{K.notation} {literal(section.number)}")
        if section.parent_key:
            parent = _node(self.m.section(scheme_list, section.parent_key))
            pairs.append(f"{K.broader} {parent}")
        else:
            pairs.append(f"{K.topConceptOf} {scheme}")
            g.add_text(scheme, [f"{K.hasTopConcept} {_node(node)}"])
        if section.top100 is not None:
            pairs.append(f"{D.top100} {literal(section.top100)}")
        g.add_text(_node(node), pairs, (CONCEPT,))
        self.index(node, section.prov)

    def item_list(self, list_id: str, items: list[ListItem]) -> None:
        kind = _kind(list_id)
        source_id = kind.source_id
        fetched = self.sources.get(source_id)
        g = self.graph(source_id)
        node = _node(self.m.list(list_id))
        scheme_list = _scheme_list(list_id)
        scheme = _node(self.m.section_scheme(scheme_list))
        pairs = []
        if fetched:
            spec = fetched.spec
            pairs.append(f"{S.name} {lang_text(spec.list_name or spec.title, kind.language)}")
            if spec.list_name_en:
                pairs.append(f"{S.name} {lang_text(spec.list_name_en, 'en')}")
        pairs.append(f"{S.inLanguage} {literal(kind.language)}")
        pairs.append(f"{S.itemListOrder} {nqtext.iri(str(SCHEMA.ItemListOrderAscending))}")
        pairs.append(f"{S.numberOfItems} {integer(len(items))}")
        pairs.append(f"{D.sectionScheme} {scheme}")
        pairs.append(f"{SOURCE} {self.source(source_id)}")
        if kind.original is not None:
            pairs.append(f"{S.translationOfWork} {_node(self.m.list(scheme_list))}")
        else:
            title = (fetched.spec.list_name or fetched.spec.title) if fetched else list_id
            label = lang_text(f"Sections of {title}", "en")
            g.add_text(scheme, [f"{K.prefLabel} {label}"], (CONCEPT_SCHEME,))
        g.add_text(node, pairs, (ITEM_LIST,))
        for item in items:
            self.list_item(g, node, scheme_list, item)

    def list_item(self, g: SinkGraph, list_node: str, scheme_list: str, item: ListItem) -> None:
        entry = item.entry
        node = self.m.list_item(item.list_id, item.key)
        s = _node(node)
        self._records[entry.prov] = str(node)
        g.add_text(list_node, [f"{S.itemListElement} {s}"])
        pairs = [
            f"{S.item} {_node(self.m.paper(item.paper_key))}",
            f"{S.position} {integer(entry.position)}",
            f"{D.section} {_node(self.m.section(scheme_list, entry.section_key))}",
            f"{D.statedTitle} {lang_text(entry.title, entry.title_lang)}",
        ]
        add = pairs.append
        if entry.original_title:
            add(f"{D.statedOriginalTitle} {lang_text(entry.original_title, 'en')}")
        if entry.year is not None:
            add(f"{D.statedYear} {nqtext.year(entry.year)}")
        if entry.authors_text:
            add(f"{D.statedAuthors} {literal(entry.authors_text)}")
        if entry.venue:
            add(f"{D.statedVenue} {literal(entry.venue)}")
        if entry.number is not None:
            add(f"{D.entryNumber} {literal(entry.number)}")
        if entry.stars is not None:
            add(f"{D.stars} {integer(entry.stars)}")
        if entry.note:
            add(f"{D.note} {lang_text(entry.note, 'en')}")
        if entry.commentary:
            add(f"{D.commentary} {lang_text(entry.commentary, 'zh-Hans')}")
        if entry.recommendation:
            add(f"{D.recommendation} {lang_text(entry.recommendation, 'zh-Hans')}")
        if entry.subsection:
            add(f"{D.subsection} {literal(entry.subsection)}")
        for i, link in enumerate(entry.links, start=1):
            l_node = _node(self.m.item_link(item.list_id, item.key, i))
            add(f"{D.link} {l_node}")
            l_pairs = [
                f"{S.url} {nqtext.iri(link.url)}",
                f"{D.linkKind} {literal(link.kind)}",
                f"{S.position} {integer(i)}",
            ]
            g.add_text(l_node, l_pairs, (LINK,))
        add(f"{D.sourceLine} {integer(entry.prov.line)}")
        add(f"{DERIVED} {self.source(entry.prov.source_id)}")
        g.add_text(s, pairs, (LIST_ITEM,))
        self.index(node, entry.prov)

    # -- source records -----------------------------------------------------------------------
    def bib_entries(self, resolution: Resolution) -> None:
        for entry, paper_key in resolution.bib_entries:
            source_id = entry.prov.source_id
            g = self.graph(source_id)
            node = self.m.bib_entry(source_id, entry.key)
            self._records[entry.prov] = str(node)
            pairs = [
                f"{D.citationKey} {literal(entry.key)}",
                f"{D.statedTitle} {lang_text(entry.title, 'en')}",
                f"{D.statedAuthors} {literal(' and '.join(entry.authors))}",
            ]
            if entry.year is not None:
                pairs.append(f"{D.statedYear} {nqtext.year(entry.year)}")
            if entry.venue:
                pairs.append(f"{D.statedVenue} {literal(entry.venue)}")
            if paper_key:
                pairs.append(f"{S.about} {_node(self.m.paper(paper_key))}")
            pairs.append(f"{D.sourceLine} {integer(entry.prov.line)}")
            pairs.append(f"{DERIVED} {self.source(source_id)}")
            g.add_text(_node(node), pairs, (BIB_ENTRY,))
            self.index(node, entry.prov)

    def stated_authorships(self, resolution: Resolution) -> None:
        """Each written name of each record, in its source's graph: which line said what."""
        records, self._records = self._records, {}
        seen: set[tuple[str, int]] = set()
        for mention in resolution.person_mentions:
            record = records.get(mention.prov)
            if mention.position < 1 or record is None or (record, mention.position) in seen:
                continue  # key researchers (position 0) are linked from their section instead
            seen.add((record, mention.position))
            prov = mention.prov
            g = self.graph(prov.source_id)
            node = f"{record}/author/{mention.position}"
            a = _node(node)
            g.add_text(_node(record), [f"{D.authorship} {a}"])
            pairs = [
                f"{D.person} {_node(self.m.person(mention.person_key))}",
                f"{S.position} {integer(mention.position)}",
                f"{D.nameAsWritten} {literal(mention.name_as_written)}",
                f"{D.sourceLine} {integer(prov.line)}",
                f"{DERIVED} {self.source(prov.source_id)}",
            ]
            g.add_text(a, pairs, (AUTHORSHIP,))
            self.index(node, prov)

    def key_researchers(self, resolution: Resolution) -> None:
        for record, person_key in resolution.key_researchers:
            g = self.graph(record.prov.source_id)
            scheme_list = _scheme_list(record.list_id)
            section = _node(self.m.section(scheme_list, record.section_key))
            g.add_text(section, [f"{D.keyResearcher} {_node(self.m.person(person_key))}"])

    # -- metadata -----------------------------------------------------------------------------
    def sources_meta(self, g: SinkGraph) -> None:
        # a few triples per source: through rdflib terms, as describe() writes
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
