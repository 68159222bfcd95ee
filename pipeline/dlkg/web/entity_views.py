"""What an entity page shows: the node's statements and, per type, the parts a reader wants.

Pure functions of the QueryRunner's answers; `pages.py` does the routing and negotiation.
Every value stays a `Term` until the (autoescaping) template prints it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from ..common import PREFIX_BLOCK
from ..namespaces import BIBO, DCTERMS, DLKG, PROV, RDF, SCHEMA, SKOS
from .http import Context
from .render import Linker, Row, Term, rows, sparql_iri, value

STATEMENT_LIMIT = 2000
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
_LABELS = "schema:name|skos:prefLabel|dcterms:title|rdfs:label"


def _labels(var: str) -> str:
    """Patterns binding ?len (English or untagged) and ?lany (any language) labels of `var`."""
    return (
        f"OPTIONAL {{ {var} {_LABELS} ?len ."
        " FILTER(LANG(?len) = '' || LANGMATCHES(LANG(?len), 'en')) }\n"
        f"OPTIONAL {{ {var} {_LABELS} ?lany }}\n"
    )


def _title(var: str, lang: str, out: str) -> str:
    return f"OPTIONAL {{ {var} schema:name {out} FILTER(LANGMATCHES(LANG({out}), '{lang}')) }}\n"


def query(body: str, node: str) -> str:
    """The SPARQL text of `body` with the prefixes and `$NODE` replaced by the node's IRI."""
    return PREFIX_BLOCK + body.replace("$NODE", sparql_iri(node))


Q_EXISTS = """SELECT ?type ?any WHERE {
  { $NODE a ?type }
  UNION { SELECT (1 AS ?any) WHERE { { $NODE ?p ?o } UNION { ?s ?p $NODE }
                                     UNION { GRAPH $NODE { ?s ?p ?o } } } LIMIT 1 }
}"""
Q_OUT = f"""SELECT ?p ?o (COALESCE(SAMPLE(?len), SAMPLE(?lany)) AS ?label)
       (GROUP_CONCAT(DISTINCT STR(?g); separator=" ") AS ?graphs) WHERE {{
  $NODE ?p ?o .
  OPTIONAL {{ GRAPH ?g {{ $NODE ?p ?o }} }}
  {_labels("?o")}
}} GROUP BY ?p ?o ORDER BY ?p ?o LIMIT {STATEMENT_LIMIT}"""
Q_IN = f"""SELECT ?s ?p (COALESCE(SAMPLE(?len), SAMPLE(?lany)) AS ?label) WHERE {{
  ?s ?p $NODE .
  {_labels("?s")}
}} GROUP BY ?s ?p ORDER BY ?p ?s LIMIT {STATEMENT_LIMIT}"""
Q_GRAPH_SIZE = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH $NODE { ?s ?p ?o } }"
# The RDF representation of a node: its statements out and in, plus those of the nodes it
# owns (the authorships of a paper, the links of a list item).
Q_DESCRIBE = """CONSTRUCT { $NODE ?p ?o . ?s ?q $NODE . ?c ?r ?x } WHERE {
  { $NODE ?p ?o } UNION { ?s ?q $NODE }
  UNION { $NODE dlkg:authorship|dlkg:link ?c . ?c ?r ?x }
}"""
Q_AUTHORS = """SELECT ?pos ?person (SAMPLE(?nm) AS ?name) (SAMPLE(?w) AS ?written) WHERE {
  $NODE dlkg:authorship ?a . ?a schema:position ?pos .
  OPTIONAL { ?a dlkg:person ?person . OPTIONAL { ?person schema:name ?nm } }
  OPTIONAL { ?a dlkg:nameAsWritten ?w }
} GROUP BY ?pos ?person ORDER BY ?pos"""
Q_PAPER_ITEMS = """SELECT ?item (SAMPLE(?lst) AS ?list) (SAMPLE(?ln) AS ?listName)
  (SAMPLE(?ps) AS ?pos) (SAMPLE(?sec) AS ?section) (SAMPLE(?sen) AS ?sectionLabel)
  (SAMPLE(?szh) AS ?sectionZh) (SAMPLE(?st) AS ?stars) (SAMPLE(?nt) AS ?note)
  (SAMPLE(?cm) AS ?commentary) (SAMPLE(?rc) AS ?recommendation) (SAMPLE(?stt) AS ?stated)
WHERE {
  ?item schema:item $NODE .
  OPTIONAL { ?lst schema:itemListElement ?item . OPTIONAL { ?lst schema:name ?ln } }
  OPTIONAL { ?item schema:position ?ps }
  OPTIONAL { ?item dlkg:section ?sec .
    OPTIONAL { ?sec skos:prefLabel ?sen FILTER(LANGMATCHES(LANG(?sen), 'en')) }
    OPTIONAL { ?sec skos:prefLabel ?szh FILTER(LANGMATCHES(LANG(?szh), 'zh')) } }
  OPTIONAL { ?item dlkg:stars ?st } OPTIONAL { ?item dlkg:note ?nt }
  OPTIONAL { ?item dlkg:commentary ?cm } OPTIONAL { ?item dlkg:recommendation ?rc }
  OPTIONAL { ?item dlkg:statedTitle ?stt }
} GROUP BY ?item ORDER BY ?list ?pos"""
Q_PERSON_PAPERS = f"""SELECT ?paper (SAMPLE(?t) AS ?title) (SAMPLE(?tz) AS ?titleZh)
  (SAMPLE(?y) AS ?year) (MIN(?ps) AS ?position) WHERE {{
  {{ SELECT DISTINCT ?paper WHERE {{
    {{ ?paper dlkg:authorship/dlkg:person $NODE }} UNION {{ ?paper schema:author $NODE }} }} }}
  OPTIONAL {{ ?paper dlkg:authorship ?a . ?a dlkg:person $NODE ; schema:position ?ps }}
  {_title("?paper", "en", "?t")}{_title("?paper", "zh", "?tz")}
  OPTIONAL {{ ?paper schema:datePublished ?y }}
}} GROUP BY ?paper ORDER BY DESC(?year) ?title"""
Q_COAUTHORS = """SELECT ?co (SAMPLE(?nm) AS ?name) (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
  ?paper schema:author|(dlkg:authorship/dlkg:person) $NODE .
  ?paper schema:author|(dlkg:authorship/dlkg:person) ?co .
  FILTER(?co != $NODE)
  OPTIONAL { ?co schema:name ?nm }
} GROUP BY ?co ORDER BY DESC(?papers) ?name"""
# Entries of a list ($NODE schema:itemListElement ?item) or of a section (?item dlkg:section).
Q_ENTRIES = f"""SELECT ?item (SAMPLE(?lst) AS ?list) (SAMPLE(?ln) AS ?listName)
  (SAMPLE(?ps) AS ?pos) (SAMPLE(?pp) AS ?paper) (SAMPLE(?t) AS ?title) (SAMPLE(?tz) AS ?titleZh)
  (SAMPLE(?stt) AS ?stated) (SAMPLE(?y) AS ?year) (SAMPLE(?sec) AS ?section)
  (SAMPLE(?sen) AS ?sectionLabel) (SAMPLE(?szh) AS ?sectionZh) (SAMPLE(?st) AS ?stars)
  (SAMPLE(?cm) AS ?commentary) (SAMPLE(?nt) AS ?note)
WHERE {{
  $PATTERN
  OPTIONAL {{ ?lst schema:itemListElement ?item . OPTIONAL {{ ?lst schema:name ?ln }} }}
  OPTIONAL {{ ?item schema:position ?ps }}
  OPTIONAL {{ ?item schema:item ?pp . {_title("?pp", "en", "?t")}{_title("?pp", "zh", "?tz")}
    OPTIONAL {{ ?pp schema:datePublished ?y }} }}
  OPTIONAL {{ ?item dlkg:statedTitle ?stt }}
  OPTIONAL {{ ?item dlkg:section ?sec .
    OPTIONAL {{ ?sec skos:prefLabel ?sen FILTER(LANGMATCHES(LANG(?sen), 'en')) }}
    OPTIONAL {{ ?sec skos:prefLabel ?szh FILTER(LANGMATCHES(LANG(?szh), 'zh')) }} }}
  OPTIONAL {{ ?item dlkg:stars ?st }} OPTIONAL {{ ?item dlkg:commentary ?cm }}
  OPTIONAL {{ ?item dlkg:note ?nt }}
}} GROUP BY ?item ORDER BY ?list ?pos LIMIT {STATEMENT_LIMIT}"""
Q_CONCEPTS = """SELECT ?c (SAMPLE(?l) AS ?label) (SAMPLE(?lz) AS ?labelZh)
  (SAMPLE(?nt) AS ?notation) (COUNT(DISTINCT ?item) AS ?items) WHERE {
  { ?c skos:inScheme $NODE } UNION { ?c skos:broader $NODE }
  OPTIONAL { ?c skos:prefLabel ?l FILTER(LANGMATCHES(LANG(?l), 'en')) }
  OPTIONAL { ?c skos:prefLabel ?lz FILTER(LANGMATCHES(LANG(?lz), 'zh')) }
  OPTIONAL { ?c skos:notation ?nt }
  OPTIONAL { ?item dlkg:section ?c }
} GROUP BY ?c ORDER BY ?notation ?label"""
Q_LINKS = """SELECT ?link (SAMPLE(?u) AS ?url) (SAMPLE(?k) AS ?kind) (SAMPLE(?ps) AS ?pos) WHERE {
  $NODE dlkg:link ?link .
  OPTIONAL { ?link schema:url ?u } OPTIONAL { ?link dlkg:linkKind ?k }
  OPTIONAL { ?link schema:position ?ps }
} GROUP BY ?link ORDER BY ?pos"""


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


def scholarly_links(title: str, arxiv: str, doi: str) -> list[tuple[str, str]]:
    """(name, URL) lookups of a paper in other scholarly graphs, by identifier when known."""

    def enc(text: str) -> str:
        return quote(text, safe="")

    links = []
    if arxiv:
        links.append(("arXiv", f"https://arxiv.org/abs/{enc(arxiv)}"))
    if doi:
        links.append(("DOI", f"https://doi.org/{quote(doi, safe='/')}"))
    if arxiv:
        wikidata = f"haswbstatement:P818={arxiv}"  # P818: arXiv ID
    elif doi:
        wikidata = f"haswbstatement:P356={doi.upper()}"  # P356: DOI (stored upper-case)
    else:
        wikidata = title
    if wikidata:
        links.append(("Wikidata", f"https://www.wikidata.org/w/index.php?search={enc(wikidata)}"))
    if title:
        links.append(("DBLP", f"https://dblp.org/search?q={enc(title)}"))
    if doi:
        links.append(("OpenAlex", f"https://api.openalex.org/works/doi:{quote(doi, safe='/')}"))
    elif title:
        links.append(("OpenAlex", f"https://api.openalex.org/works?search={enc(title)}"))
    if arxiv:
        links.append(("Semantic Scholar", f"https://www.semanticscholar.org/arxiv/{enc(arxiv)}"))
    elif doi:
        links.append(
            (
                "Semantic Scholar",
                f"https://api.semanticscholar.org/graph/v1/paper/DOI:{quote(doi, safe='/')}"
                "?fields=title,url,externalIds",
            )
        )
    elif title:
        links.append(("Semantic Scholar", f"https://www.semanticscholar.org/search?q={enc(title)}"))
    return links


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
    return {"links": links, "lists": node.inbound_from(SCHEMA.itemListElement), "jsonld": jsonld}


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
