"""Every vocabulary term the code uses, in one place.

Code never spells an IRI as a string literal: it names a term here.
`tests/validate/test_ontology.py` checks that every `DLKG` term used here is defined (labels
en/zh + comment) in ontology/dlkg.ttl.
Data IRIs (papers, persons, lists...) are minted by `iris.py` under the configurable base.
The namespace IRIs themselves are plain strings in `prefixes.py` (no rdflib), which the query
path uses; this module adds rdflib's `Namespace` objects for the stages that build graphs.
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

from .prefixes import DLKG_NS, PREFIXES, SCHEMA_NS

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

SCHEMA = Namespace(SCHEMA_NS)
BIBO = Namespace(PREFIXES["bibo"])
FABIO = Namespace(PREFIXES["fabio"])
SPDX = Namespace(PREFIXES["spdx"])
SD = Namespace(PREFIXES["sd"])
# SSSOM's RDF terms and the semapv justification vocabulary (graph/links, pipeline/dlkg/link/)
SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")


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
