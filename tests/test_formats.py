"""dlkg.formats: pyoxigraph's format metadata, lookups, and the one Accept negotiator."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from dlkg import formats
from dlkg.formats import (
    CSV,
    GRAPH_FORMATS,
    HTML,
    JSON,
    JSON_LD,
    N_TRIPLES,
    PAGE_FORMATS,
    RDF_XML,
    RESULT_FORMATS,
    TSV,
    TURTLE,
    XML,
    negotiate,
)

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

# (Accept header, offered, expected format or None for 406)
CASES = [
    (None, PAGE_FORMATS, HTML),  # no header: anything, the server's first choice
    ("", PAGE_FORMATS, HTML),
    ("*/*", PAGE_FORMATS, HTML),
    (BROWSER, PAGE_FORMATS, HTML),
    ("text/turtle", PAGE_FORMATS, TURTLE),
    ("text/html;q=0.5, text/turtle", PAGE_FORMATS, TURTLE),  # q decides
    ("application/ld+json;q=0.9, text/turtle;q=0.8", PAGE_FORMATS, JSON_LD),
    ("text/*", PAGE_FORMATS, HTML),  # a wildcard: the server's order among text/*
    ("text/*;q=0.5, application/n-triples", PAGE_FORMATS, N_TRIPLES),
    ("application/n-triples, */*;q=0.1", PAGE_FORMATS, N_TRIPLES),
    ("text/turtle, application/n-triples", PAGE_FORMATS, TURTLE),  # tie: the server's order
    ("application/n-triples, text/turtle", PAGE_FORMATS, TURTLE),  # header order does not count
    ("text/plain", PAGE_FORMATS, N_TRIPLES),  # N-Triples' old media type, an exact alias
    ("application/json", PAGE_FORMATS, JSON_LD),
    ("application/*", PAGE_FORMATS, N_TRIPLES),  # aliases never match wildcards (xhtml+xml)
    ("TEXT/Turtle", PAGE_FORMATS, TURTLE),  # media types are case-insensitive
    ("image/png", PAGE_FORMATS, None),
    ("text/turtle;q=0", PAGE_FORMATS, None),  # q=0: not this type
    ("*/*, text/html;q=0", PAGE_FORMATS, TURTLE),  # the specific q=0 beats the wildcard
    ("text/*, text/html;q=0", PAGE_FORMATS, TURTLE),
    ("*/*;q=0", PAGE_FORMATS, None),
    ("text/html;q=abc, text/turtle;q=0.1", PAGE_FORMATS, TURTLE),  # a bad q counts as 0
    ("text/html;q=2", PAGE_FORMATS, HTML),  # clamped to 1
    ("garbage, text/turtle", PAGE_FORMATS, TURTLE),  # malformed parts are skipped
    ("text/turtle;charset=utf-8;q=0.7, text/html;q=0.6", PAGE_FORMATS, TURTLE),
    ("application/sparql-results+json", RESULT_FORMATS, JSON),
    ("text/csv;q=0.5, application/sparql-results+xml", RESULT_FORMATS, XML),
    ("text/tab-separated-values", RESULT_FORMATS, TSV),
    (BROWSER, RESULT_FORMATS, XML),  # application/xml, an exact alias at q=0.9
    ("text/html, */*;q=0.1", RESULT_FORMATS, JSON),
    ("application/rdf+xml", GRAPH_FORMATS, RDF_XML),
    ("application/sparql-results+json", GRAPH_FORMATS, None),
]


@pytest.mark.parametrize(("accept", "offered", "expected"), CASES)
def test_negotiate(
    accept: str | None,
    offered: tuple[formats.Format, ...],
    expected: formats.Format | None,
) -> None:
    assert negotiate(accept, offered) is expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/sparql-results+json", TURTLE),  # nothing matches: the default
        ("text/turtle;q=0", N_TRIPLES),  # ...but never one the client refused
        ("text/turtle;q=0, application/n-triples;q=0, application/ld+json;q=0", RDF_XML),
        ("*/*;q=0", None),
    ],
)
def test_negotiate_with_fallback(accept: str, expected: formats.Format | None) -> None:
    assert negotiate(accept, GRAPH_FORMATS, fallback=True) is expected


def test_metadata_comes_from_pyoxigraph() -> None:
    assert (TURTLE.media_type, TURTLE.extension, TURTLE.rdf) == (
        ox.RdfFormat.TURTLE.media_type,
        ox.RdfFormat.TURTLE.file_extension,
        ox.RdfFormat.TURTLE,
    )
    assert TURTLE.content_type == "text/turtle; charset=utf-8"
    assert N_TRIPLES.content_type == "application/n-triples"
    assert CSV.content_type == ox.QueryResultsFormat.CSV.media_type  # it names its charset
    assert formats.N_QUADS.supports_datasets and not TURTLE.supports_datasets
    assert JSON_LD.iri == "http://www.w3.org/ns/formats/JSON-LD"
    assert JSON.iri == "http://www.w3.org/ns/formats/SPARQL_Results_JSON"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("dlkg.ttl", TURTLE), ("dlkg.nq", formats.N_QUADS), ("context.jsonld", JSON_LD),
     ("dlkg.nq.gz", None), ("SHA256SUMS", None), ("x.TRIG", formats.TRIG)],
)  # fmt: skip
def test_by_extension(name: str, expected: formats.Format | None) -> None:
    assert formats.by_extension(name) is expected


@pytest.mark.parametrize(
    ("name", "offered", "expected"),
    [("n3", GRAPH_FORMATS, TURTLE), ("application/ld+json", GRAPH_FORMATS, JSON_LD),
     ("json", GRAPH_FORMATS, JSON_LD), ("json", RESULT_FORMATS, JSON),
     ("srx", RESULT_FORMATS, XML), ("text/csv; charset=utf-8", RESULT_FORMATS, CSV),
     ("turtle", RESULT_FORMATS, None)],
)  # fmt: skip
def test_by_name(
    name: str, offered: tuple[formats.Format, ...], expected: formats.Format | None
) -> None:
    assert formats.by_name(name, offered) is expected
