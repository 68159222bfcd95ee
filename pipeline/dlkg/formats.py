"""Every RDF and query-result format dlkg reads, writes or serves, and the one Accept negotiator.

The facts about a format (media type, file extension, name, whether it holds named graphs)
come from pyoxigraph's own `RdfFormat` / `QueryResultsFormat`; this module only adds what
pyoxigraph does not know: the short key used in URLs and `format=` parameters, the other names
clients send for the same format, and HTML for the pages.

`negotiate` follows RFC 9110 §12.5.1: q-values, the most specific matching range decides a
format's quality (`text/turtle;q=0` refuses Turtle even under `*/*`), and `q=0` means "not
this". The tie rule, the only one: formats of equal quality go in the caller's order of
preference (the order of `offered`). Aliases (`application/json` for JSON-LD...) only match
exactly; wildcards match a format's own media type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    """One representation: `key` ("turtle", "json", "html"...) plus pyoxigraph's metadata."""

    key: str
    media_type: str  # the essence: "text/turtle", "text/csv"
    extension: str  # without the dot: "ttl"
    label: str  # "Turtle", "SPARQL Results in CSV"
    rdf: ox.RdfFormat | None = None
    results: ox.QueryResultsFormat | None = None
    aliases: tuple[str, ...] = ()  # other media types and `format=` names for it

    @property
    def content_type(self) -> str:
        """The Content-Type we send: text types say their charset (always UTF-8 here)."""
        if self.media_type.startswith("text/"):
            return self.media_type + "; charset=utf-8"
        return self.media_type

    @property
    def supports_datasets(self) -> bool:
        return bool(self.rdf is not None and self.rdf.supports_datasets)

    @property
    def iri(self) -> str:
        """The format's IRI in W3C's formats namespace (service descriptions use it)."""
        if self.rdf == ox.RdfFormat.JSON_LD:  # pyoxigraph names JSON-LD by a newer IRI
            return "http://www.w3.org/ns/formats/JSON-LD"
        source = self.rdf or self.results
        return source.iri if source is not None else ""

    def names(self) -> tuple[str, ...]:
        """Every name a `format=` parameter may use for this format."""
        return (self.key, self.extension, self.media_type, *self.aliases)


def _rdf(key: str, fmt: ox.RdfFormat, *aliases: str) -> Format:
    return Format(key, fmt.media_type, fmt.file_extension, fmt.name, rdf=fmt, aliases=aliases)


def _results(key: str, fmt: ox.QueryResultsFormat, *aliases: str) -> Format:
    media = fmt.media_type.split(";")[0].strip()
    return Format(key, media, fmt.file_extension, fmt.name, results=fmt, aliases=aliases)


# Aliases: media types older clients send (text/plain was N-Triples' type) and the short
# names SPARQLWrapper and friends put in `format=` (it sends n3 for Turtle, which N3 contains).
TURTLE = _rdf("turtle", ox.RdfFormat.TURTLE, "application/x-turtle", "text/n3", "n3", "text/rdf+n3")
N_TRIPLES = _rdf("ntriples", ox.RdfFormat.N_TRIPLES, "text/plain", "n-triples")
N_QUADS = _rdf("nquads", ox.RdfFormat.N_QUADS, "n-quads")
TRIG = _rdf("trig", ox.RdfFormat.TRIG)
JSON_LD = _rdf("jsonld", ox.RdfFormat.JSON_LD, "application/json", "json-ld", "json")
RDF_XML = _rdf(
    "rdfxml", ox.RdfFormat.RDF_XML, "application/xml", "text/xml", "xml", "rdf/xml", "rdf+xml"
)
JSON = _results(
    "json", ox.QueryResultsFormat.JSON, "application/json", "text/json", "sparql-results+json"
)
XML = _results(
    "xml", ox.QueryResultsFormat.XML, "application/xml", "text/xml", "sparql-results+xml"
)
CSV = _results("csv", ox.QueryResultsFormat.CSV)
TSV = _results("tsv", ox.QueryResultsFormat.TSV)
HTML = Format("html", "text/html", "html", "HTML", aliases=("application/xhtml+xml",))

# What each kind of answer can be, the default first.
RESULT_FORMATS = (JSON, XML, CSV, TSV)  # SELECT and ASK
GRAPH_FORMATS = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML)  # CONSTRUCT, DESCRIBE, service description
PAGE_FORMATS = (HTML, TURTLE, N_TRIPLES, JSON_LD)  # a dataset IRI, /void, /ontology, /shapes
DUMP_FORMATS = (N_TRIPLES, TURTLE, TRIG, N_QUADS, JSON_LD)  # the dumps, in the order written
ALL_FORMATS = (*GRAPH_FORMATS, N_QUADS, TRIG, *RESULT_FORMATS, HTML)


def by_extension(name: str, among: Sequence[Format] = ALL_FORMATS) -> Format | None:
    """The format of a file name or path by its last extension ("dlkg.ttl" -> TURTLE)."""
    _, dot, ext = name.rpartition(".")
    if not dot:
        return None
    ext = ext.lower()
    return next((f for f in among if f.extension == ext), None)


def by_name(name: str, among: Sequence[Format]) -> Format | None:
    """The format a `format=` parameter names: key, extension, media type or alias."""
    wanted = name.strip().lower().split(";")[0].strip()
    return next((f for f in among if wanted in f.names()), None)


@dataclass(frozen=True)
class MediaRange:
    type: str  # "text", or "*"
    subtype: str  # "turtle", or "*"
    q: float

    @property
    def specificity(self) -> int:
        return 0 if self.type == "*" else 1 if self.subtype == "*" else 2


@lru_cache(maxsize=512)  # a handful of Accept headers repeat on every request
def weighted(header: str) -> list[tuple[str, float]]:
    """The items of an Accept-style header (Accept, Accept-Encoding, Accept-Language) with their
    q-values as written: 1 where none is given, 0 where it is not a number.

    >>> weighted("br;q=0.5, gzip, x;q=oops")
    [('br', 0.5), ('gzip', 1.0), ('x', 0.0)]
    """
    items = []
    for part in header.split(","):
        name, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        items.append((name, q))
    return items


def parse_accept(header: str) -> tuple[MediaRange, ...]:
    """The media ranges of an Accept header; malformed parts are skipped, a bad q counts as 0."""
    ranges = []
    for name, q in weighted(header):
        major, slash, minor = name.lower().partition("/")
        if not slash or not major or not minor or (major == "*" and minor != "*"):
            continue
        ranges.append(MediaRange(major, minor, min(max(q, 0.0), 1.0)))
    return tuple(ranges)


def _matches(r: MediaRange, fmt: Format) -> bool:
    if r.specificity == 2:
        name = f"{r.type}/{r.subtype}"
        return name == fmt.media_type or name in fmt.aliases
    return r.specificity == 0 or fmt.media_type.startswith(r.type + "/")


def quality(fmt: Format, ranges: Sequence[MediaRange]) -> float | None:
    """The q the most specific range matching `fmt` gives it; None when no range matches."""
    matching = [r for r in ranges if _matches(r, fmt)]
    if not matching:
        return None
    top = max(r.specificity for r in matching)
    return max(r.q for r in matching if r.specificity == top)


def negotiate(
    accept: str | None, offered: Sequence[Format], *, fallback: bool = False
) -> Format | None:
    """The offered format the client prefers; None when it accepts none of them (answer 406).

    No Accept header (or an empty one) accepts anything. With `fallback`, when nothing offered
    is acceptable the first offered format the client did not refuse with q=0 is chosen, as
    RFC 9110 lets a server disregard Accept (the SPARQL endpoint does this for clients that
    send only result types whatever the query form).
    """
    ranges = parse_accept(accept or "*/*") or parse_accept("*/*")
    best: Format | None = None
    best_q = 0.0
    for fmt in offered:
        q = quality(fmt, ranges)
        if q is not None and q > best_q:  # strictly greater: the earlier offered wins ties
            best, best_q = fmt, q
    if best is None and fallback:
        best = next((f for f in offered if quality(f, ranges) != 0.0), None)
    return best
