"""Shared pieces of the resolve step: source ranks, mentions, a union-find with a merge log."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import NearMiss
from .records import BibEntry, Entry, Issue, Level, Provenance

# Which list a translation translates (its entries map to that list's papers and sections).
TRANSLATION_OF = {"zh-awesome": "awesome", "zh-roadmap-blog": "roadmap"}
# Conflict rule for titles, authors and years: BibTeX over roadmap over awesome list text over
# the translations (docs/resolution.md). Lower wins.
LIST_RANK = {"roadmap": 1, "awesome": 2, "zh-roadmap-blog": 3, "zh-awesome": 4}
BIB_RANK = 0
OTHER_RANK = 5
# Titles rank differently: BibTeX, then the awesome list, then the roadmap, whose titles are
# re-typed by hand ("deep forward neural networks" for "feedforward", "neural network" for
# "networks") where the awesome list copies them from the papers.
TITLE_RANK = {"awesome": 1, "roadmap": 2, "zh-roadmap-blog": 3, "zh-awesome": 4}


@dataclass
class PaperMention:
    """One record that names a paper: a list entry or a BibTeX entry."""

    idx: int
    prov: Provenance
    rank: int
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
        return TRANSLATION_OF.get(self.list_id or "")

    @property
    def section_key(self) -> str | None:
        return self.entry.section_key if self.entry else None

    @property
    def title_rank(self) -> int:
        return BIB_RANK if self.bib else TITLE_RANK.get(self.list_id or "", OTHER_RANK)

    @property
    def label(self) -> str:
        title = self.title_en or self.title_zh
        return f"{self.prov.source_id} {self.prov} {title[:70]!r}"


def mention_of_entry(idx: int, entry: Entry) -> PaperMention:
    english = entry.title if entry.title_lang.startswith("en") else (entry.original_title or "")
    chinese = entry.title if entry.title_lang.startswith("zh") else ""
    return PaperMention(
        idx=idx,
        prov=entry.prov,
        rank=LIST_RANK.get(entry.list_id, OTHER_RANK),
        title_en=english,
        title_zh=chinese,
        year=entry.year,
        authors=entry.authors,
        authors_complete=entry.authors_complete,
        links=tuple(link.url for link in entry.links),
        venue=entry.venue or "",
        entry=entry,
    )


def mention_of_bib(idx: int, bib: BibEntry) -> PaperMention:
    extra = " ".join(v for k, v in bib.fields if k in {"eprint", "url", "doi", "arxivid", "note"})
    return PaperMention(
        idx=idx,
        prov=bib.prov,
        rank=BIB_RANK,
        title_en=bib.title,
        title_zh="",
        year=bib.year,
        authors=bib.authors,
        authors_complete=bib.authors_complete,
        links=tuple(v for k, v in bib.fields if k == "url"),
        venue=f"{bib.venue or ''} {extra}".strip(),
        bib=bib,
    )


@dataclass
class UnionFind:
    """Clusters of mention indices; every effective union is logged with its evidence."""

    size: int
    parent: list[int] = field(default_factory=list)
    log: list[tuple[int, int, str, float, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.parent = list(range(self.size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def same(self, a: int, b: int) -> bool:
        return self.find(a) == self.find(b)

    def union(self, a: int, b: int, rule: str, score: float = 1.0, evidence: str = "") -> bool:
        """Join the clusters of a and b (the smaller root wins, so results do not depend on
        the order of calls); False when they already were one."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        low, high = min(ra, rb), max(ra, rb)
        self.parent[high] = low
        self.log.append((a, b, rule, score, evidence))
        return True

    def groups(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for i in range(self.size):
            out.setdefault(self.find(i), []).append(i)
        return out


@dataclass
class Log:
    """Merges, near misses and issues collected while resolving."""

    near_misses: list[NearMiss] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    pending: list[tuple[str, int, int, str, str, float, str]] = field(default_factory=list)

    def near(
        self, kind: str, a: int, b: int, labels: tuple[str, str], score: float, reason: str
    ) -> None:
        """A pair that did not merge (yet): kept only if the two never end up together."""
        self.pending.append((kind, a, b, labels[0], labels[1], score, reason))

    def flush(self, kind: str, uf: UnionFind) -> None:
        """One near miss per pair of final clusters (the best-scored), none inside a cluster."""
        best: dict[tuple[int, int], tuple[str, int, int, str, str, float, str]] = {}
        for item in self.pending:
            if item[0] != kind or uf.same(item[1], item[2]):
                continue
            pair = tuple(sorted((uf.find(item[1]), uf.find(item[2]))))
            if pair not in best or item[5] > best[pair][5]:
                best[pair] = item  # type: ignore[index]
        for _, _, _, a, b, score, reason in sorted(best.values(), key=lambda i: (i[1], i[2])):
            self.near_misses.append(NearMiss(kind, a, b, round(score, 1), reason))
        self.pending = [p for p in self.pending if p[0] != kind]

    def warn(self, code: str, message: str, where: Provenance | None = None) -> None:
        self.issues.append(Issue(code, Level.WARNING, message, where))


__all__ = [
    "BIB_RANK",
    "LIST_RANK",
    "TITLE_RANK",
    "TRANSLATION_OF",
    "Log",
    "PaperMention",
    "UnionFind",
    "mention_of_bib",
    "mention_of_entry",
]
