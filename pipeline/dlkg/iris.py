"""Stable IRIs under the configurable base (see docs/data-model.md, "IRIs").

Pure functions of keys: the same paper, person, list or section gets the same IRI on every
rebuild. Keys come from identifiers and normalised names, never from list positions.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from rdflib import URIRef

# Slugs are made where keys are chosen (normalize); kept importable here for old callers.
from .normalize.identifiers import section_slug, slugify


@dataclass(frozen=True)
class IriMinter:
    """Mints every data IRI of the dataset under `base` (ends with '/')."""

    base: str

    def _iri(self, *parts: str) -> URIRef:
        return URIRef(self.base + "/".join(quote(p, safe="-._~") for p in parts))

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
