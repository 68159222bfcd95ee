"""The SPARQL an entity page runs: `$NODE` stands for the node's IRI (see `query`).

Kept apart from the views so the queries read as one document, and reused by the home page
and /void for their prefix block.
"""

from __future__ import annotations

from ...common import PREFIX_BLOCK
from .render import sparql_iri

STATEMENT_LIMIT = 2000
_LABELS = "schema:name|skos:prefLabel|dcterms:title|rdfs:label"


def _labels(var: str) -> str:
    """Patterns binding ?len (English or untagged) and ?lany (any language) labels of `var`."""
    return (
        f"OPTIONAL {{ {var} {_LABELS} ?len ."
        " FILTER(LANG(?len) = '' || LANGMATCHES(LANG(?len), 'en')) }\n"
        f"OPTIONAL {{ {var} {_LABELS} ?lany }}\n"
    )


def _work(var: str) -> str:
    """`var` is a work (paper, book, lecture...), not a record that also carries authorships.

    List items and BibTeX entries state their own bylines with `dlkg:authorship/dlkg:person`
    (docs/data-model.md, "Stated authorships"), so following that path from a person finds
    them too; only the works in the entities graph are typed `schema:CreativeWork` (papers are
    also `schema:ScholarlyArticle`).
    """
    return f"VALUES ?workType {{ schema:ScholarlyArticle schema:CreativeWork }} {var} a ?workType ."


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
    {{ ?paper dlkg:authorship/dlkg:person $NODE }} UNION {{ ?paper schema:author $NODE }}
    {_work("?paper")} }} }}
  OPTIONAL {{ ?paper dlkg:authorship ?a . ?a dlkg:person $NODE ; schema:position ?ps }}
  {_title("?paper", "en", "?t")}{_title("?paper", "zh", "?tz")}
  OPTIONAL {{ ?paper schema:datePublished ?y }}
}} GROUP BY ?paper ORDER BY DESC(?year) ?title"""
Q_COAUTHORS = f"""SELECT ?co (SAMPLE(?nm) AS ?name) (COUNT(DISTINCT ?paper) AS ?papers) WHERE {{
  ?paper schema:author|(dlkg:authorship/dlkg:person) $NODE .
  {_work("?paper")}
  ?paper schema:author|(dlkg:authorship/dlkg:person) ?co .
  FILTER(?co != $NODE)
  OPTIONAL {{ ?co schema:name ?nm }}
}} GROUP BY ?co ORDER BY DESC(?papers) ?name"""
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
