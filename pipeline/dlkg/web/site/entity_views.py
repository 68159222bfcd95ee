"""What an entity page shows: the node's statements and, per type, the parts a reader wants.

Pure functions of the QueryRunner's answers (queries in entity_queries.py); `entity.py` does
the negotiation.
Every value stays a `Term` until the (autoescaping) template prints it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ...common import upstream_line_url
from ...namespaces import BIBO, DCTERMS, DLKG, PROV, RDF, SCHEMA, SKOS
from ..http import Context
from .entity_queries import (
    Q_AUTHORS,
    Q_COAUTHORS,
    Q_CONCEPTS,
    Q_ENTRIES,
    Q_EXISTS,
    Q_IN,
    Q_LINKS,
    Q_OUT,
    Q_PAPER_ITEMS,
    Q_PERSON_PAPERS,
    query,
)
from .outbound import scholarly_links
from .render import Linker, Row, Term, rows, value

KINDS = (
    (str(SCHEMA.ScholarlyArticle), "paper"),
    (str(SCHEMA.Person), "person"),
    (str(SCHEMA.ItemList), "list"),
    (str(SCHEMA.ListItem), "item"),
    (str(SKOS.Concept), "section"),
    (str(SKOS.ConceptScheme), "scheme"),
    (str(DLKG.Authorship), "authorship"),
    # lectures, tutorials and blogs: not papers, but shown with the same page
    (str(SCHEMA.CreativeWork), "paper"),
)


@dataclass
class Node:
    """What the page templates get about one node."""

    iri: str
    kind: str
    types: list[str]
    out: list[tuple[Term, Term, list[Term]]] = field(default_factory=list)
    inbound: list[tuple[Term, Term]] = field(default_factory=list)
    facts: dict[str, list[Term]] = field(default_factory=dict)

    def all(self, predicate: object) -> list[Term]:
        return self.facts.get(str(predicate), [])

    def one(self, predicate: object, lang: str | None = None) -> Term | None:
        """The first value of `predicate`; in `lang` (primary subtag) when given."""
        for term in self.all(predicate):
            if lang is None or term.lang.lower().split("-")[0] == lang:
                return term
        return None

    def inbound_from(self, predicate: object) -> list[Term]:
        return [s for s, p in self.inbound if p.value == str(predicate)]


Select = Callable[[str], list[Row]]


def selector(ctx: Context, iri: str) -> Select:
    """Runs query bodies about `iri` through the context's QueryRunner."""
    return lambda body: rows(ctx.runner.select(query(body, iri)))


def load_node(ctx: Context, linker: Linker, iri: str) -> Node | None:
    """The node's types and statements; None when the dataset says nothing about it."""
    select = selector(ctx, iri)
    found = select(Q_EXISTS)
    if not found:
        return None
    types = sorted({value(r, "type") for r in found if value(r, "type")})
    kind = next((k for t, k in KINDS if t in types), "generic")
    node = Node(iri=iri, kind=kind, types=types)
    for row in select(Q_OUT):
        p, o = linker.term(row.get("p")), linker.term(row.get("o"), value(row, "label"))
        if p is None or o is None:
            continue
        graphs = [linker.term({"type": "uri", "value": g}) for g in value(row, "graphs").split()]
        node.out.append((p, o, [g for g in graphs if g is not None]))
        node.facts.setdefault(p.value, []).append(o)
    for row in select(Q_IN):
        s, p = linker.term(row.get("s"), value(row, "label")), linker.term(row.get("p"))
        if s is not None and p is not None:
            node.inbound.append((s, p))
    return node


def page_title(node: Node) -> str:
    """The node's English name or label, else any name, else the last segment of its IRI."""
    for predicate in (SCHEMA.name, SKOS.prefLabel, DCTERMS.title):
        term = node.one(predicate, "en") or node.one(predicate)
        if term:
            return term.value
    return node.iri.rstrip("/").rsplit("/", 1)[-1] or node.iri


def _terms(linker: Linker, found: list[Row], *names: str) -> list[dict[str, Term | None]]:
    return [{n: linker.term(r.get(n)) for n in names} for r in found]


def _text(term: Term | None) -> str:
    return term.value if term else ""


def _paper(node: Node, select: Select, linker: Linker) -> dict[str, object]:
    title = node.one(SCHEMA.name, "en") or node.one(SCHEMA.name)
    arxiv, doi = _text(node.one(DLKG.arxivId)), _text(node.one(BIBO.doi))
    authors = _terms(linker, select(Q_AUTHORS), "pos", "person", "name", "written")
    if not authors:  # no authorships: the unordered schema:author links still name people
        authors = [{"person": t, "name": None, "written": None} for t in node.all(SCHEMA.author)]
    items = _terms(
        linker,
        select(Q_PAPER_ITEMS),
        "item",
        "list",
        "listName",
        "pos",
        "section",
        "sectionLabel",
        "sectionZh",
        "stars",
        "note",
        "commentary",
        "recommendation",
        "stated",
    )
    jsonld: dict[str, object] = {
        "@type": "ScholarlyArticle",
        "name": [_lang_value(t) for t in node.all(SCHEMA.name)],
        "author": [
            {"@type": "Person", "@id": _text(a["person"]), "name": _text(a["name"] or a["written"])}
            for a in authors
            if a["person"]
        ],
        "datePublished": _text(node.one(SCHEMA.datePublished)) or None,
        "identifier": [
            {"@type": "PropertyValue", "propertyID": k, "value": v}
            for k, v in (("arXiv", arxiv), ("DOI", doi))
            if v
        ],
        "sameAs": [t.value for t in node.all(SCHEMA.sameAs)],
        "url": [t.value for t in node.all(SCHEMA.url)],
    }
    return {
        "title_en": title,
        "titles_zh": [t for t in node.all(SCHEMA.name) if t.lang.lower().startswith("zh")],
        "authors": authors,
        "items": items,
        "arxiv": arxiv,
        "doi": doi,
        "outbound": scholarly_links(_text(title), arxiv, doi),
        "jsonld": jsonld,
    }


def _lang_value(term: Term) -> object:
    return {"@value": term.value, "@language": term.lang} if term.lang else term.value


def _person(node: Node, select: Select, linker: Linker) -> dict[str, object]:
    papers = _terms(
        linker, select(Q_PERSON_PAPERS), "paper", "title", "titleZh", "year", "position"
    )
    coauthors = _terms(linker, select(Q_COAUTHORS), "co", "name", "papers")
    jsonld = {
        "@type": "Person",
        "name": _text(node.one(SCHEMA.name)),
        "givenName": _text(node.one(SCHEMA.givenName)) or None,
        "familyName": _text(node.one(SCHEMA.familyName)) or None,
        "alternateName": [t.value for t in node.all(SCHEMA.alternateName)],
        "url": [t.value for t in node.all(SCHEMA.url)],
    }
    return {"papers": papers, "coauthors": coauthors, "jsonld": jsonld}


_ENTRY_FIELDS = (
    "item", "list", "listName", "pos", "paper", "title", "titleZh", "stated", "year", "section",
    "sectionLabel", "sectionZh", "stars", "commentary", "note",
)  # fmt: skip


def _entries(select: Select, linker: Linker, pattern: str) -> list[dict[str, Term | None]]:
    return _terms(linker, select(Q_ENTRIES.replace("$PATTERN", pattern)), *_ENTRY_FIELDS)


def _list(node: Node, select: Select, linker: Linker) -> dict[str, object]:
    entries = _entries(select, linker, "$NODE schema:itemListElement ?item .")
    jsonld = {
        "@type": "ItemList",
        "name": [_lang_value(t) for t in node.all(SCHEMA.name)],
        "numberOfItems": len(entries),
        "itemListElement": [
            {
                "@type": "ListItem",
                "@id": _text(e["item"]),
                "position": int(_text(e["pos"])) if _text(e["pos"]).isdigit() else None,
                "item": {"@id": _text(e["paper"]), "name": _text(e["title"] or e["stated"])},
            }
            for e in entries
        ],
    }
    return {"entries": entries, "jsonld": jsonld}


def _section(node: Node, select: Select, linker: Linker) -> dict[str, object]:
    entries = _entries(select, linker, "?item dlkg:section $NODE .")
    concepts = _terms(linker, select(Q_CONCEPTS), "c", "label", "labelZh", "notation", "items")
    return {"entries": entries, "concepts": concepts, "jsonld": {"@type": "DefinedTerm"}}


def _scheme(node: Node, select: Select, linker: Linker) -> dict[str, object]:
    concepts = _terms(linker, select(Q_CONCEPTS), "c", "label", "labelZh", "notation", "items")
    return {"concepts": concepts, "jsonld": {"@type": "DefinedTermSet"}}


def _item(node: Node, select: Select, linker: Linker) -> dict[str, object]:
    links = _terms(linker, select(Q_LINKS), "link", "url", "kind", "pos")
    position = _text(node.one(SCHEMA.position))
    paper = node.one(SCHEMA.item)
    jsonld = {
        "@type": "ListItem",
        "position": int(position) if position.isdigit() else None,
        "item": {"@id": paper.value, "name": paper.label} if paper else None,
    }
    # the entry's line in the upstream file at its pinned commit (the source's download URL)
    line = _text(node.one(DLKG.sourceLine))
    raw = select("SELECT ?u { $NODE prov:wasDerivedFrom ?s . ?s dcat:downloadURL ?u } LIMIT 1")
    upstream = upstream_line_url(value(raw[0], "u"), int(line)) if raw and line.isdigit() else None
    return {
        "links": links,
        "lists": node.inbound_from(SCHEMA.itemListElement),
        "jsonld": jsonld,
        "upstream_line": upstream,
    }


_VIEWS: dict[str, Callable[[Node, Select, Linker], dict[str, object]]] = {
    "paper": _paper,
    "person": _person,
    "list": _list,
    "section": _section,
    "scheme": _scheme,
    "item": _item,
}


def details(ctx: Context, linker: Linker, node: Node) -> dict[str, object]:
    """The per-type template values of `node`, always with a schema.org `jsonld` object."""
    view = _VIEWS.get(node.kind)
    extra = view(node, selector(ctx, node.iri), linker) if view else {}
    found = extra.get("jsonld")
    jsonld: dict[str, object] = dict(found) if isinstance(found, dict) else {}
    if "@type" not in jsonld:
        schema_types = [t[len(str(SCHEMA)) :] for t in node.types if t.startswith(str(SCHEMA))]
        jsonld["@type"] = schema_types or "Thing"
    jsonld.setdefault("name", page_title(node))
    jsonld = {"@context": "https://schema.org", "@id": node.iri, **jsonld}
    # drop empty values so the embedded document stays small and valid
    extra["jsonld"] = {k: v for k, v in jsonld.items() if v not in (None, [], "")}
    extra["sources"] = node.all(PROV.wasDerivedFrom)
    extra["rdf_type"] = str(RDF.type)
    return extra
