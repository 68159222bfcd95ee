"""Resolved entities: what `resolve` produces and `emit` turns into RDF.

A `Paper` or `Person` is one real-world thing, built from one or more source records; its
`key` is the stable local part of its IRI (see `iris.py`). Every entity keeps the provenance of
the records it came from, and every merge decision is a `Merge` with its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from .records import BibEntry, Entry, Issue, KeyResearcher, Link, Provenance, Section


# slots (no per-instance __dict__) on every class made once per record, name or decision:
# millions of instances at x1000 (about 40 bytes less each)
@dataclass(frozen=True, slots=True)
class Authorship:
    """The `position`-th (1-based) author of a paper, as written in the chosen source."""

    person_key: str
    position: int
    name_as_written: str
    prov: Provenance


@dataclass(slots=True)
class Person:
    key: str
    name: str  # preferred display name, e.g. "Geoffrey E. Hinton"
    given: str | None = None
    family: str | None = None
    alternate_names: set[str] = field(default_factory=set)
    profile_urls: set[str] = field(default_factory=set)  # e.g. Google Scholar pages
    provs: set[Provenance] = field(default_factory=set)


@dataclass(slots=True)
class Paper:
    key: str
    title_en: str | None  # canonical English title
    titles_zh: list[str] = field(default_factory=list)  # Chinese titles, first is preferred
    alternate_titles: set[str] = field(default_factory=set)  # other spellings seen in sources
    year: int | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    urls: list[str] = field(default_factory=list)  # every distinct link, in first-seen order
    authorships: list[Authorship] = field(default_factory=list)
    authors_complete: bool = True
    bib_key: str | None = None
    provs: set[Provenance] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class ListItem:
    """A list entry resolved to its paper. `key` is unique within the list and stable."""

    list_id: str
    key: str
    paper_key: str
    entry: Entry


@dataclass(frozen=True, slots=True)
class Merge:
    """One resolution decision, for the build report and `dlkg explain`."""

    kind: str  # "paper" or "person"
    target_key: str
    record: str  # what was merged, e.g. "roadmap-readme README.md:57 'Hinton, Geoffrey E.'"
    rule: (
        str  # e.g. "arxiv-id", "title-exact", "title-fuzzy", "curated-same-as", "initials+coauthor"
    )
    score: float = 1.0
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class PersonMention:
    """One written name resolved to its person: an author-list position of a record (also of
    records whose list the paper did not take) or a key researcher (position 0)."""

    person_key: str
    name_as_written: str
    prov: Provenance
    position: int


@dataclass(frozen=True, slots=True)
class NearMiss:
    """A pair that looked alike but was not merged, and why."""

    kind: str
    a: str
    b: str
    score: float
    reason: str


class DifferentFrom(NamedTuple):
    """A curated different-from decision between two resolved nodes (a < b)."""

    kind: str  # "paper" or "person"
    a: str
    b: str
    reason: str


class KeyAnchors(NamedTuple):
    """A row of the key registry: a node's kind, key and sorted anchors ("kind:value")."""

    kind: str  # "paper" or "person"
    key: str
    anchors: tuple[str, ...]


@dataclass
class Resolution:
    papers: dict[str, Paper] = field(default_factory=dict)
    persons: dict[str, Person] = field(default_factory=dict)
    items: list[ListItem] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    bib_entries: list[tuple[BibEntry, str | None]] = field(
        default_factory=list
    )  # (entry, paper key)
    key_researchers: list[tuple[KeyResearcher, str]] = field(
        default_factory=list
    )  # (record, person key)
    merges: list[Merge] = field(default_factory=list)
    near_misses: list[NearMiss] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    # every written name and its person (added for tests, `dlkg explain` and the report)
    person_mentions: list[PersonMention] = field(default_factory=list)
    # curated different-from decisions between resolved nodes, sorted; emitted as
    # owl:differentFrom
    different_from: list[DifferentFrom] = field(default_factory=list)
    # the key registry rows of this resolution: what `dlkg registry --update` writes to
    # data/curation/keys.tsv
    key_anchors: list[KeyAnchors] = field(default_factory=list)
    # candidate pairs each resolution rule examined (bench/resolve_pairs.py shows they grow
    # linearly with the input); not part of the graph
    comparisons: dict[str, int] = field(default_factory=dict)


__all__ = [
    "Authorship",
    "DifferentFrom",
    "KeyAnchors",
    "Link",
    "ListItem",
    "Merge",
    "NearMiss",
    "Paper",
    "Person",
    "PersonMention",
    "Resolution",
]
