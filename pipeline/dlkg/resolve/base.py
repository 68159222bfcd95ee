"""Shared pieces of the resolve step: typed indices, identity keys, mentions with their
source ranks (from the registry in `dlkg.sources`), a union-find with a merge log."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, NamedTuple, NewType, TypeVar

from .. import sources
from ..model import NearMiss
from ..records import BibEntry, Entry, Issue, Level, Provenance

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


@dataclass
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


class Join(NamedTuple):
    """One effective union: the two indices joined, the rule, its score and evidence."""

    a: int
    b: int
    rule: str
    score: float
    evidence: str


class Apart(NamedTuple):
    """A curated different-from: no member of `left` may join a member of `right`."""

    left: frozenset[int]
    right: frozenset[int]
    reason: str


@dataclass
class UnionFind(Generic[Idx]):
    """Clusters of indices; every effective union is logged with its evidence."""

    size: int
    parent: list[Idx] = field(default_factory=list)
    log: list[Join] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.parent = [self.index(i) for i in range(self.size)]

    @staticmethod
    def index(i: int) -> Idx:
        return i  # type: ignore[return-value]  # the indices are 0..size-1 of type Idx

    def find(self, i: Idx) -> Idx:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def same(self, a: Idx, b: Idx) -> bool:
        return self.find(a) == self.find(b)

    def union(self, a: Idx, b: Idx, rule: str, score: float = 1.0, evidence: str = "") -> bool:
        """Join the clusters of a and b (the smaller root wins, so results do not depend on
        the order of calls); False when they already were one."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        low, high = min(ra, rb), max(ra, rb)
        self.parent[high] = low
        self.log.append(Join(a, b, rule, score, evidence))
        return True

    def groups(self) -> dict[Idx, list[Idx]]:
        out: dict[Idx, list[Idx]] = {}
        for i in map(self.index, range(self.size)):
            out.setdefault(self.find(i), []).append(i)
        return out


class PendingNear(NamedTuple):
    """A pair that did not merge (yet), with the labels and score a near miss reports."""

    kind: str
    a: int
    b: int
    label_a: str
    label_b: str
    score: float
    reason: str


@dataclass
class Log:
    """Merges, near misses and issues collected while resolving."""

    near_misses: list[NearMiss] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    pending: list[PendingNear] = field(default_factory=list)

    def near(
        self, kind: str, a: int, b: int, labels: tuple[str, str], score: float, reason: str
    ) -> None:
        """A pair that did not merge (yet): kept only if the two never end up together."""
        self.pending.append(PendingNear(kind, a, b, labels[0], labels[1], score, reason))

    def flush(self, kind: str, uf: UnionFind[Idx]) -> None:
        """One near miss per pair of final clusters (the best-scored), none inside a cluster."""
        best: dict[tuple[int, int], PendingNear] = {}
        for item in self.pending:
            a, b = uf.index(item.a), uf.index(item.b)
            if item.kind != kind or uf.same(a, b):
                continue
            low, high = sorted((uf.find(a), uf.find(b)))
            if (low, high) not in best or item.score > best[(low, high)].score:
                best[(low, high)] = item
        for item in sorted(best.values(), key=lambda i: (i.a, i.b)):
            self.near_misses.append(
                NearMiss(kind, item.label_a, item.label_b, round(item.score, 1), item.reason)
            )
        self.pending = [p for p in self.pending if p.kind != kind]

    def warn(self, code: str, message: str, where: Provenance | None = None) -> None:
        self.issues.append(Issue(code, Level.WARNING, message, where))


__all__ = [
    "OTHER_RANK",
    "Apart",
    "ClusterIdx",
    "IdKey",
    "Join",
    "Log",
    "MentionIdx",
    "NameIdx",
    "PaperMention",
    "UnionFind",
    "mention_of_bib",
    "mention_of_entry",
    "sorted_keys",
]
