"""Written names clustered into persons, with the guards every people rule goes through."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..normalize import parse_person_name
from ..normalize.names import given_tokens_compatible
from ..records import KeyResearcher, Provenance
from .base import ClusterIdx, MentionIdx, NameIdx
from .names import NameMention
from .unionfind import Apart, Log, UnionFind


@dataclass
class NameClusters:
    """Written names and the union-find that clusters them into persons, with the guards
    every rule goes through: curated different-from, and never two positions of one
    author list in one person."""

    log: Log
    mentions: list[NameMention] = field(default_factory=list)
    uf: UnionFind[NameIdx] = field(init=False)
    # root -> record -> the positions its names hold in that record's author list
    slots: dict[NameIdx, dict[MentionIdx, set[int]]] = field(default_factory=dict)
    cannot: list[Apart] = field(default_factory=list)

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
        for n in self.mentions:
            self.slots[n.idx] = {n.record: {n.position}} if n.record is not None else {}

    def blocked(self, a: NameIdx, b: NameIdx) -> str | None:
        ra, rb = self.uf.find(a), self.uf.find(b)
        for left, right, reason in self.cannot:
            lr = {self.uf.find(NameIdx(i)) for i in left}
            rr = {self.uf.find(NameIdx(i)) for i in right}
            if (ra in lr and rb in rr) or (ra in rr and rb in lr):
                return f"curated different-from: {reason}"
        sa, sb = self.slots[ra], self.slots[rb]
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
        for record, positions in self.slots[other].items():
            self.slots[root].setdefault(record, set()).update(positions)
        return True

    def near(self, a: NameIdx, b: NameIdx, score: float, reason: str) -> None:
        labels = (self.mentions[a].label, self.mentions[b].label)
        self.log.near("person", a, b, labels, score, reason)

    def cluster_names(self) -> dict[NameIdx, list[NameMention]]:
        out: dict[NameIdx, list[NameMention]] = defaultdict(list)
        for n in self.mentions:
            out[self.uf.find(n.idx)].append(n)
        return out

    def family_of(self, names: list[NameMention]) -> str:
        """The family key most mentions of a cluster use (ties: the best-ranked source)."""
        counts = Counter(n.name.family_last_key for n in names if n.name.family_last_key)
        if not counts:
            return ""
        best_rank = {k: min(n.rank for n in names if n.name.family_last_key == k) for k in counts}
        return min(counts, key=lambda k: (-counts[k], best_rank[k], k))

    def compatible(self, xs: list[NameMention], ys: list[NameMention]) -> bool:
        """Every name of one cluster fits every name of the other (`given_compatible`).

        Each distinct given-token tuple once: prolific authors have hundreds of mentions, and
        comparing every mention pair grew with the square of their paper counts."""
        ta = {x.name.given_tokens for x in xs}
        tb = {y.name.given_tokens for y in ys}
        return all(given_tokens_compatible(a, b) for a in ta for b in tb)


__all__ = ["NameClusters"]
