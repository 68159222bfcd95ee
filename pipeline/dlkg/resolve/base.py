"""Shared pieces of the resolve step: typed indices, identity keys, and the mentions of papers
with their source ranks (from the registry in `dlkg.sources`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, NewType, TypeVar

from .. import sources
from ..records import BibEntry, Entry, Provenance

# Indices into the lists the resolvers keep, each its own type so that one is never used
# for another: a record (list entry or BibTeX entry) naming a paper, a cluster of records
# (one paper), a written name of a person.
MentionIdx = NewType("MentionIdx", int)
ClusterIdx = NewType("ClusterIdx", int)
NameIdx = NewType("NameIdx", int)
Idx = TypeVar("Idx", bound=int)

# Records of a list no source kind describes (made-up lists in tests) rank after all others.
OTHER_RANK = 5


class IdKey(NamedTuple):
    """An identity key or registry anchor: `kind` ("arxiv", "doi", "url", "title", ...) and
    `value`; written "kind:value" (the form of data/curation/keys.tsv and of messages)."""

    kind: str
    value: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"

    @classmethod
    def parse(cls, text: str) -> IdKey:
        kind, _, value = text.partition(":")
        return cls(kind, value)


def sorted_keys(keys: set[IdKey] | frozenset[IdKey]) -> list[IdKey]:
    """Keys in the order of their written form (the order of keys.tsv and of the rules)."""
    return sorted(keys, key=str)


@dataclass(slots=True)  # no __dict__: one per record / written name (millions at x1000)
class PaperMention:
    """One record that names a paper: a list entry or a BibTeX entry. `rank` and
    `title_rank` are its source kind's (lower wins in conflicts, docs/resolution.md)."""

    idx: MentionIdx
    prov: Provenance
    rank: int
    title_rank: int
    title_en: str  # English title ("" when the record has none)
    title_zh: str
    year: int | None
    authors: tuple[str, ...]
    authors_complete: bool
    links: tuple[str, ...]
    venue: str
    entry: Entry | None = None
    bib: BibEntry | None = None

    @property
    def list_id(self) -> str | None:
        return self.entry.list_id if self.entry else None

    @property
    def translated_list(self) -> str | None:
        """The list this record's list translates (None for original lists and BibTeX)."""
        kind = sources.of_list(self.list_id) if self.list_id else None
        original = kind.original if kind else None
        return original.list_id if original else None

    @property
    def section_key(self) -> str | None:
        return self.entry.section_key if self.entry else None

    @property
    def label(self) -> str:
        title = self.title_en or self.title_zh
        return f"{self.prov.source_id} {self.prov} {title[:70]!r}"


def mention_of_entry(idx: MentionIdx, entry: Entry) -> PaperMention:
    kind = sources.of_list(entry.list_id)
    english = entry.title if entry.title_lang.startswith("en") else (entry.original_title or "")
    chinese = entry.title if entry.title_lang.startswith("zh") else ""
    return PaperMention(
        idx=idx,
        prov=entry.prov,
        rank=kind.rank if kind else OTHER_RANK,
        title_rank=kind.title_rank if kind else OTHER_RANK,
        title_en=english,
        title_zh=chinese,
        year=entry.year,
        authors=entry.authors,
        authors_complete=entry.authors_complete,
        links=tuple(link.url for link in entry.links),
        venue=entry.venue or "",
        entry=entry,
    )


def mention_of_bib(idx: MentionIdx, bib: BibEntry) -> PaperMention:
    # BibTeX comes first in every conflict unless its kind is registered otherwise.
    kind = sources.of_source(bib.prov.source_id)
    extra = " ".join(v for k, v in bib.fields if k in {"eprint", "url", "doi", "arxivid", "note"})
    return PaperMention(
        idx=idx,
        prov=bib.prov,
        rank=kind.rank if kind else 0,
        title_rank=kind.title_rank if kind else 0,
        title_en=bib.title,
        title_zh="",
        year=bib.year,
        authors=bib.authors,
        authors_complete=bib.authors_complete,
        links=tuple(v for k, v in bib.fields if k == "url"),
        venue=f"{bib.venue or ''} {extra}".strip(),
        bib=bib,
    )


__all__ = [
    "OTHER_RANK",
    "ClusterIdx",
    "IdKey",
    "Idx",
    "MentionIdx",
    "NameIdx",
    "PaperMention",
    "mention_of_bib",
    "mention_of_entry",
    "sorted_keys",
]
