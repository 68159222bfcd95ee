"""Stable IRIs under the configurable base (see docs/data-model.md, "IRIs").

Pure functions of keys: the same paper, person, list or section gets the same IRI on every
rebuild. Keys come from identifiers and normalised names, never from list positions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from rdflib import URIRef

# Slugs are made where keys are chosen (normalize); kept importable here for old callers.
from .normalize.identifiers import section_slug, slugify

# what `quote(part, safe="-._~")` leaves as it is: a part made only of these is not re-encoded
# (a regular expression instead of quote's byte loop: emit mints millions of IRIs, issue 13)
_UNQUOTED = re.compile(r"[A-Za-z0-9_.~-]*")
# the characters rdflib's URIRef refuses (rdflib.term._invalid_uri_chars)
_NOT_IN_IRI = re.compile(r'[<>" {}|\\^`]')


def _part(part: str) -> str:
    return part if _UNQUOTED.fullmatch(part) else quote(part, safe="-._~")


@dataclass(frozen=True)
class IriMinter:
    """Mints every data IRI of the dataset under `base` (ends with '/')."""

    base: str
    # quoted parts never add a character URIRef checks for, so under a base without any its
    # check (a Python loop over ten characters) is skipped
    _plain: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_plain", _NOT_IN_IRI.search(self.base) is None)

    def _iri(self, *parts: str) -> URIRef:
        value = self.base + "/".join([_part(p) for p in parts])
        return str.__new__(URIRef, value) if self._plain else URIRef(value)

    def paper(self, key: str) -> URIRef:
        return self._iri("paper", key)

    def authorship(self, paper_key: str, position: int) -> URIRef:
        return self._iri("paper", paper_key, "author", str(position))

    def person(self, key: str) -> URIRef:
        return self._iri("person", key)

    def list(self, list_id: str) -> URIRef:
        return self._iri("list", list_id)

    def list_item(self, list_id: str, item_key: str) -> URIRef:
        return self._iri("list", list_id, "item", *item_key.split("/"))

    def item_link(self, list_id: str, item_key: str, position: int) -> URIRef:
        return self._iri("list", list_id, "item", *item_key.split("/"), "link", str(position))

    def section(self, list_id: str, section_key: str) -> URIRef:
        return self._iri("list", list_id, "section", *section_key.split("/"))

    def section_scheme(self, list_id: str) -> URIRef:
        return self._iri("list", list_id, "sections")

    def source(self, source_id: str) -> URIRef:
        return self._iri("source", source_id)

    def bib_entry(self, source_id: str, citation_key: str) -> URIRef:
        return self._iri("source", source_id, citation_key)

    def graph(self, name: str) -> URIRef:
        return self._iri("graph", name)

    def dataset(self) -> URIRef:
        return self._iri("dataset")

    def download(self, file_name: str) -> URIRef:
        return self._iri("downloads", file_name)

    def sparql(self) -> URIRef:
        return self._iri("sparql")

    def build(self) -> URIRef:
        return self._iri("build")


__all__ = ["IriMinter", "section_slug", "slugify"]
