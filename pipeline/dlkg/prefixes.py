"""The namespace IRIs of every vocabulary dlkg uses, as plain strings, and SPARQL PREFIX lines.

This module imports nothing: `dlkg query` and the SPARQL endpoint need only these strings, and
importing rdflib for them cost ~105 ms of every `dlkg query` (issue 13). `namespaces.py` builds
the rdflib `Namespace` objects the pipeline stages use from the same strings.
"""

from __future__ import annotations

from collections.abc import Iterable

# schema.org's RDF namespace as schema.org itself documents it for RDF (http, with trailing slash).
SCHEMA_NS = "http://schema.org/"
DLKG_NS = "https://w3id.org/dlkg/ns#"

# Prefix -> namespace IRI, in the order PREFIX blocks and dumps list them.
PREFIXES: dict[str, str] = {
    "dlkg": DLKG_NS,
    "schema": SCHEMA_NS,
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "bibo": "http://purl.org/ontology/bibo/",
    "fabio": "http://purl.org/spar/fabio/",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "spdx": "http://spdx.org/rdf/terms#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "sh": "http://www.w3.org/ns/shacl#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

# Declared for every query of `dlkg query` and /sparql unless the query declares the prefix
# itself (its own declaration wins), as Wikidata's and DBpedia's endpoints do. Listed in
# docs/sparql.md and in the service description (`sh:declare`).
PREDEFINED: dict[str, str] = dict(PREFIXES)


def predefined_used(used: Iterable[str], declared: set[str]) -> set[str]:
    """The predefined prefixes among `used` (prefix names a query's names use) that it does
    not declare itself: the ones the engine must be given.

    Generous where the engine splits a glued keyword off a name (`FILTERxsd:integer(` is
    FILTER then `xsd:integer`): every predefined prefix a used one ends with counts (`sd` too:
    an extra prefix costs a little time, never a different answer).

    >>> sorted(predefined_used({"schema", "ex", "FILTERxsd"}, {"ex"}))
    ['schema', 'sd', 'xsd']
    """
    found = set()
    for prefix in used:
        if prefix in declared:
            continue
        if prefix in PREDEFINED:
            found.add(prefix)
        else:
            found.update(p for p in PREDEFINED if prefix.endswith(p) and p not in declared)
    return found


def prefix_block(names: Iterable[str] | None = None) -> str:
    """SPARQL `PREFIX` lines for `names` (default: every prefix of `PREFIXES`).

    >>> prefix_block(["xsd"])
    'PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\\n'
    """
    chosen = PREFIXES if names is None else names
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in chosen)


PREFIX_BLOCK = prefix_block()
