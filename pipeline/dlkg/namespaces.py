"""Every vocabulary term the code uses, in one place.

Code never spells an IRI as a string literal: it names a term here.
`tests/validate/test_ontology.py` checks that every `DLKG` term used here is defined (labels
en/zh + comment) in ontology/dlkg.ttl.
Data IRIs (papers, persons, lists...) are minted by `iris.py` under the configurable base.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    OWL,
    PROV,
    RDF,
    RDFS,
    SH,
    SKOS,
    VOID,
    XSD,
    DefinedNamespace,
)
from rdflib.term import URIRef

__all__ = [
    "BIBO",
    "DCAT",
    "DCTERMS",
    "DLKG",
    "DLKG_NS",
    "FABIO",
    "FOAF",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SD",
    "SEMAPV",
    "SH",
    "SKOS",
    "SPDX",
    "SSSOM",
    "VOID",
    "XSD",
]

# schema.org's RDF namespace as schema.org itself documents it for RDF (http, with trailing slash).
SCHEMA = Namespace("http://schema.org/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
FABIO = Namespace("http://purl.org/spar/fabio/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
# SSSOM's RDF terms and the semapv justification vocabulary (graph/links, pipeline/dlkg/link/)
SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")

DLKG_NS = "https://w3id.org/dlkg/ns#"


class DLKG(DefinedNamespace):
    """The dlkg ontology: only terms no standard vocabulary covers (see ontology/dlkg.ttl)."""

    _NS = Namespace(DLKG_NS)
    _fail = True

    # classes
    Authorship: URIRef  # a paper-person link with a position (schema:Role specialisation)
    BibEntry: URIRef  # a BibTeX entry as a source record
    Link: URIRef  # a link of a list entry with its kind (pdf/web/html)
    # properties
    authorship: URIRef
    person: URIRef
    nameAsWritten: URIRef
    authorListComplete: URIRef
    section: URIRef
    sectionScheme: URIRef
    stars: URIRef
    note: URIRef
    commentary: URIRef
    recommendation: URIRef
    entryNumber: URIRef
    subsection: URIRef
    statedTitle: URIRef
    statedOriginalTitle: URIRef
    statedYear: URIRef
    statedAuthors: URIRef
    statedVenue: URIRef
    sourceLine: URIRef
    link: URIRef
    linkKind: URIRef
    arxivId: URIRef
    # identifiers and links into other scholarly graphs (issue 12, pipeline/dlkg/link/)
    preprintDoi: URIRef
    versionOfRecordDoi: URIRef
    lookup: URIRef
    CitationCount: URIRef
    citations: URIRef
    citationKey: URIRef
    keyResearcher: URIRef
    top100: URIRef
    sha256: URIRef


PREFIXES: dict[str, str] = {
    "dlkg": DLKG_NS,
    "schema": str(SCHEMA),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "skos": str(SKOS),
    "prov": str(PROV),
    "bibo": str(BIBO),
    "fabio": str(FABIO),
    "void": str(VOID),
    "dcat": str(DCAT),
    "spdx": str(SPDX),
    "sd": str(SD),
    "sh": str(SH),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}
