"""Written names clustered into persons, with the guards every people rule goes through."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Set
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..normalize import parse_person_name
from ..normalize.names import given_tokens_compatible
from ..records import KeyResearcher, Provenance
from .base import ClusterIdx, MentionIdx, NameIdx
from .names import NameMention
from .unionfind import Apart, Log, UnionFind

Positions = int | frozenset[int]  # the positions of one cluster in one author list
_V = TypeVar("_V")


def _union(a: Positions, b: Positions) -> Positions:
    """Two sets of positions as one; equal values stay equal (an int never equals a set)."""
    both = (frozenset((a,)) if isinstance(a, int) else a) | (
        frozenset((b,)) if isinstance(b, int) else b
    )
    return next(iter(both)) if len(both) == 1 else both


@dataclass
class NameClusters:
    """Written names and the union-find that clusters them into persons, with the guards
    every rule goes through: curated different-from, and never two positions of one
    author list in one person."""

    log: Log
    mentions: list[NameMention] = field(default_factory=list)
    uf: UnionFind[NameIdx] = field(init=False)
    # root -> record -> the positions its names hold in that record's author list, for the
    # roots of joined clusters only: a name never joined holds its own position (`_slots`),
    # so the 3 M names of x1000 do not each carry a dict and a set. One position is an int
    # (nearly always: two positions of one record block a join), several a frozenset.
    slots: dict[NameIdx, dict[MentionIdx, Positions]] = field(default_factory=dict)
    cannot: list[Apart] = field(default_factory=list)
    # (effective unions so far, cluster_names() then, its size): the union log only grows
    _clusters: tuple[int, dict[NameIdx, list[NameMention]], int] | None = field(
        default=None, init=False, repr=False
    )
    _families: tuple[dict[NameIdx, list[NameMention]], dict[NameIdx, str]] | None = field(
        default=None, init=False, repr=False
    )
    # what -> root -> (cluster size, value) of `per_cluster`: the values of the last call
    _memo: dict[str, dict[NameIdx, tuple[int, Any]]] = field(
        default_factory=dict, init=False, repr=False
    )

    def add(
        self,
        written: str,
        rank: int,
        prov: Provenance,
        paper: ClusterIdx | None = None,
        record: MentionIdx | None = None,
        position: int = 0,
        researcher: KeyResearcher | None = None,
    ) -> None:
        idx = NameIdx(len(self.mentions))
        name = parse_person_name(written)
        self.mentions.append(
            NameMention(idx, paper, record, position, written, name, rank, prov, researcher)
        )

    def start(self) -> None:
        """Every name added: one cluster each."""
        self.uf = UnionFind(len(self.mentions))
        self._clusters = None
        self.slots = {}
        self._memo = {}

    def release(self) -> None:
        """Drop the working sets of the rules (no join after this): memory for what follows."""
        self._clusters = self._families = None
        self.slots = {}
        self._memo = {}

    def blocked(self, a: NameIdx, b: NameIdx) -> str | None:
        ra, rb = self.uf.find(a), self.uf.find(b)
        for left, right, reason in self.cannot:
            lr = {self.uf.find(NameIdx(i)) for i in left}
            rr = {self.uf.find(NameIdx(i)) for i in right}
            if (ra in lr and rb in rr) or (ra in rr and rb in lr):
                return f"curated different-from: {reason}"
        sa, sb = self._slots(ra), self._slots(rb)
        for record in sa.keys() & sb.keys():
            if sa[record] != sb[record]:
                return f"both are authors of {self.record_label(record)} at different positions"
        return None

    def record_label(self, record: MentionIdx) -> str:
        for n in self.mentions:
            if n.record == record:
                return str(n.prov)
        return str(record)

    def join(
        self, a: NameIdx, b: NameIdx, rule: str, score: float, evidence: str, *, force: bool = False
    ) -> bool:
        if self.uf.same(a, b):
            return False
        why = None if force else self.blocked(a, b)
        if why:
            self.near(a, b, score, why)
            return False
        ra, rb = self.uf.find(a), self.uf.find(b)
        self.uf.union(a, b, rule, score, evidence)
        root = self.uf.find(a)
        other = rb if root == ra else ra
        into = self.slots.get(root)
        if into is None:
            into = self.slots[root] = self._slots(root)
        merged = self._slots(other)
        self.slots.pop(other, None)  # no longer a root
        for record, positions in merged.items():
            have = into.get(record)
            into[record] = positions if have is None else _union(have, positions)
        return True

    def _slots(self, root: NameIdx) -> dict[MentionIdx, Positions]:
        """The record positions of `root`'s cluster (a fresh dict for a name never joined)."""
        found = self.slots.get(root)
        if found is not None:
            return found
        n = self.mentions[root]
        return {n.record: n.position} if n.record is not None else {}

    def near(self, a: NameIdx, b: NameIdx, score: float, reason: str) -> None:
        sides = (self.mentions[a], self.mentions[b])
        self.log.near("person", a, b, sides, score, reason)

    def cluster_names(self) -> dict[NameIdx, list[NameMention]]:
        """Root -> the names of its cluster, in mention order (read only).

        Computed once per state of the union-find: the rules of the people fixpoint loop that
        find nothing to join run on the same clusters, and each used to rebuild them."""
        cached = self._clusters
        if cached is not None and cached[0] == len(self.uf.log) and len(cached[1]) == cached[2]:
            return cached[1]
        out: dict[NameIdx, list[NameMention]] = defaultdict(list)
        for n in self.mentions:
            out[self.uf.find(n.idx)].append(n)
        self._clusters = (len(self.uf.log), out, len(out))
        return out

    def families(self) -> dict[NameIdx, str]:
        """Root -> `family_of` its cluster, for the clusters `cluster_names` returns now."""
        clusters = self.cluster_names()
        cached = self._families
        if cached is not None and cached[0] is clusters:
            return cached[1]
        out = self.per_cluster("family", lambda _r, ns: self.family_of(ns))
        self._families = (clusters, out)
        return out

    def per_cluster(
        self, what: str, compute: Callable[[NameIdx, list[NameMention]], _V]
    ) -> dict[NameIdx, _V]:
        """`compute(root, names)` for every cluster `cluster_names` returns now, computed again
        only for the clusters that changed since the last call for `what`.

        The people rules run in a loop until none joins (people.py), each pass over every
        cluster, and a pass changes few of them; a cluster only ever grows, so a root whose
        cluster has the size it had then has the same names (at x1000 the fourth pass of
        the co-author rule recomputed 235k unchanged clusters' keys)."""
        clusters = self.cluster_names()
        before: dict[NameIdx, tuple[int, _V]] = self._memo.get(what, {})
        now: dict[NameIdx, tuple[int, _V]] = {}
        out: dict[NameIdx, _V] = {}
        for r, ns in clusters.items():
            known = before.get(r)
            value = known[1] if known is not None and known[0] == len(ns) else compute(r, ns)
            now[r] = (len(ns), value)
            out[r] = value
        self._memo[what] = now  # the roots of this call only: merged-away roots go
        return out

    def family_of(self, names: list[NameMention]) -> str:
        """The family key most mentions of a cluster use (ties: the best-ranked source)."""
        counts: dict[str, int] = {}
        best_rank: dict[str, int] = {}
        for n in names:  # one pass: a prolific author has hundreds of mentions
            key = n.name.family_last_key
            if key:
                counts[key] = counts.get(key, 0) + 1
                rank = best_rank.get(key)
                if rank is None or n.rank < rank:
                    best_rank[key] = n.rank
        if not counts:
            return ""
        return min(counts, key=lambda k: (-counts[k], best_rank[k], k))

    def compatible(self, xs: list[NameMention], ys: list[NameMention]) -> bool:
        """Every name of one cluster fits every name of the other (`given_compatible`).

        Each distinct given-token tuple once: prolific authors have hundreds of mentions, and
        comparing every mention pair grew with the square of their paper counts."""
        return all_compatible({x.name.given_tokens for x in xs}, {y.name.given_tokens for y in ys})


def all_compatible(ta: Set[tuple[str, ...]], tb: Set[tuple[str, ...]]) -> bool:
    """Every given-token tuple of one set fits every one of the other (symmetric)."""
    return all(given_tokens_compatible(a, b) for a in ta for b in tb)


__all__ = ["NameClusters", "all_compatible"]
