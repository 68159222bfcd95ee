"""Clusters with a memory: a union-find whose every effective union is logged with its rule
and evidence, and the log of near misses and issues the rules write while resolving."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Generic, NamedTuple, Protocol

from ..model import NearMiss
from ..records import Issue, Level, Provenance
from .base import Idx


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


class Labelled(Protocol):
    """A record or written name: what a near miss names it by."""

    @property
    def label(self) -> str: ...


class PendingNear(NamedTuple):
    """A pair that did not merge (yet), with the two sides and score a near miss reports.

    The sides, not their labels: most pending pairs end up in one cluster or repeat a pair,
    and a label is a new string each time (two per pair: 10 MB at x100), so labels are made
    at `flush` for the near misses kept only."""

    kind: str
    a: int
    b: int
    side_a: Labelled
    side_b: Labelled
    score: float
    reason: str


@dataclass
class Log:
    """Merges, near misses and issues collected while resolving."""

    near_misses: list[NearMiss] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    pending: list[PendingNear] = field(default_factory=list)
    comparisons: Counter[str] = field(default_factory=Counter)  # candidate pairs per rule

    def near(
        self, kind: str, a: int, b: int, sides: tuple[Labelled, Labelled], score: float, reason: str
    ) -> None:
        """A pair that did not merge (yet): kept only if the two never end up together."""
        self.pending.append(PendingNear(kind, a, b, sides[0], sides[1], score, reason))

    def flush(self, kind: str, uf: UnionFind[Idx]) -> None:
        """One near miss per pair of final clusters (the best-scored), none inside a cluster."""
        best: dict[tuple[int, int], PendingNear] = {}
        for item in self.pending:
            if item.kind != kind:
                continue
            ra, rb = uf.find(uf.index(item.a)), uf.find(uf.index(item.b))
            if ra == rb:
                continue
            pair = (ra, rb) if ra < rb else (rb, ra)  # each root found once (1 M pairs at x1000)
            found = best.get(pair)
            if found is None or item.score > found.score:
                best[pair] = item
        for item in sorted(best.values(), key=lambda i: (i.a, i.b)):
            self.near_misses.append(
                NearMiss(
                    kind, item.side_a.label, item.side_b.label, round(item.score, 1), item.reason
                )
            )
        self.pending = [p for p in self.pending if p.kind != kind]

    def warn(self, code: str, message: str, where: Provenance | None = None) -> None:
        self.issues.append(Issue(code, Level.WARNING, message, where))


__all__ = ["Apart", "Join", "Log", "PendingNear", "UnionFind"]
