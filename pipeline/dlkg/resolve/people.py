"""Which written names denote the same person (docs/resolution.md, "People").

Rules, in order: curated same-as; the same paper's author lists aligned by position and
surname (typos, family-first forms and swapped names allowed only here); the same full first
name and family name; names the key registry holds as one person; compatible names sharing a
co-author; a family name that only one compatible person carries in the whole dataset (not
for very common family names). Curated different-from and "two positions of one author list"
block any merge. Curated `person-name` decisions are collected for the preferred name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from rapidfuzz import fuzz

from ..normalize import (
    PersonName,
    names_compatible,
    parse_person_name,
    word_key,
)
from ..records import KeyResearcher
from .base import ClusterIdx, MentionIdx, NameIdx, PaperMention
from .coauthors import coauthor_overlap
from .curation import Decision, PaperRef, PersonRef, parse_person_ref, unmatched
from .keys import KeyRow, NamedOn, registered_people
from .name_clusters import NameClusters, all_compatible
from .names import (
    COMMON_FAMILIES,
    NameMention,
    find_person_refs,
    match_same_position,
    split_authors,
)
from .people_lists import compound_family, same_list_person
from .researchers import match_key_researchers
from .unionfind import Apart, UnionFind


class CuratedName(NamedTuple):
    """A curated `person-name` decision and the written names it is about."""

    names: frozenset[NameIdx]
    name: PersonName
    decision: Decision


@dataclass
class PersonResolver(NameClusters):
    """The people rules over the records of the paper `clusters` and the key researchers."""

    clusters: list[list[PaperMention]] = field(default_factory=list)
    researchers: list[KeyResearcher] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    # the records a paper reference of a curation decision names (PaperResolver.find_refs)
    find_paper: Callable[[PaperRef], set[MentionIdx]] = lambda _ref: set()
    names: list[CuratedName] = field(default_factory=list)
    registry: list[KeyRow] | None = None
    paper_keys: dict[ClusterIdx, str] = field(default_factory=dict)  # paper cluster -> its key

    def __post_init__(self) -> None:
        for c, members in enumerate(self.clusters):
            for m in members:
                for pos, written in enumerate(split_authors(m, members, self.log), start=1):
                    self.add(written, m.rank, m.prov, ClusterIdx(c), m.idx, pos)
        for kr in self.researchers:
            self.add(kr.name, 9, kr.prov, researcher=kr)
        self.start()

    # -- curation -----------------------------------------------------------------------------
    def find_refs(self, ref: PersonRef | None) -> set[NameIdx]:
        return find_person_refs(ref, self.mentions, self.find_paper)

    def apply_curation(self) -> None:
        for d in self.decisions:
            if d.kind not in {"person-same-as", "person-different-from", "person-name"}:
                continue
            left = self.find_refs(parse_person_ref(d.subject))
            right = left if d.kind == "person-name" else self.find_refs(parse_person_ref(d.object))
            if not left or not right:
                self.log.issues.append(unmatched(d, "subject" if not left else "object"))
            elif d.kind == "person-name":
                self.names.append(CuratedName(frozenset(left), parse_person_name(d.object), d))
            elif d.kind == "person-different-from":
                self.cannot.append(Apart(frozenset(left), frozenset(right), d.reason))
            else:
                first = min(left | right)
                for other in sorted((left | right) - {first}):
                    self.join(
                        first, other, "curated-same-as", 1.0, f"{d.reason} ({d.prov})", force=True
                    )

    def curated_names(self) -> dict[NameIdx, PersonName]:
        """Curated `person-name` of each final cluster root (after `run`)."""
        out: dict[NameIdx, PersonName] = {}
        for idxs, name, d in self.names:
            roots = {self.uf.find(i) for i in idxs}
            for root in roots:
                if root in out and out[root] != name:
                    self.log.warn(
                        "resolve.curation-conflict",
                        f"two person-name decisions for one person; {d.object!r} ignored",
                        d.prov,
                    )
                    continue
                out[root] = name
        return out

    # -- same paper ---------------------------------------------------------------------------
    def align_papers(self) -> None:
        by_record: dict[MentionIdx, list[NameMention]] = defaultdict(list)
        for n in self.mentions:
            if n.record is not None:
                by_record[n.record].append(n)
        for members in self.clusters:
            lists = [by_record[m.idx] for m in members if by_record[m.idx]]
            for i, ref in enumerate(lists):
                for other in lists[i + 1 :]:
                    self._align(ref, other)

    def _align(self, ref: list[NameMention], other: list[NameMention]) -> None:
        for j, n in enumerate(other):
            if j < len(ref) and (found := match_same_position(ref[j].name, n.name)):
                if found.swapped == "b":
                    n.name = n.name.swapped()
                elif found.swapped == "a":
                    ref[j].name = ref[j].name.swapped()
                evidence = f"position {j + 1} of the same paper"
                self.join(ref[j].idx, n.idx, found.rule, found.score, evidence)
                continue
            hits = [r for r in ref if names_compatible(r.name, n.name)]
            if len(hits) == 1:
                self.join(
                    hits[0].idx,
                    n.idx,
                    "same-paper-surname",
                    95.0,
                    f"the only compatible author of the same paper (position "
                    f"{hits[0].position} / {n.position})",
                )
                self.log.warn(
                    "resolve.author-order-conflict",
                    f"{n.written!r} is author {n.position} here but {hits[0].position} in "
                    f"{hits[0].prov}",
                    n.prov,
                )
            elif j < len(ref):
                score = float(fuzz.ratio(ref[j].name.family_key, n.name.family_key))
                self.near(ref[j].idx, n.idx, score, "same position of the same paper, names differ")

    # -- across papers --------------------------------------------------------------------------
    def same_full_name(self) -> None:
        groups: dict[tuple[str, str], list[NameIdx]] = defaultdict(list)
        for n in self.mentions:
            if n.researcher:
                continue  # key researchers are matched last, with their own rules
            # The first given word whole: "Ming-Hsuan" is not "Ming", "Yee-Whye" not "Yee".
            words = [word_key(w) for w in n.name.given.split()]
            if words and len(words[0]) > 1 and n.name.family_key:
                groups[(n.name.family_key, words[0])].append(n.idx)
        for key in sorted(groups):
            members = groups[key]
            for other in members[1:]:
                self.join(members[0], other, "same-full-name", 100.0, " ".join(key))

    def unique_family(self) -> bool:
        """Merge people by a family name nobody else compatible carries: all of them when
        every pair fits; otherwise each initials-only person that fits exactly one of the
        people with a full first name ("N. Srivastava" -> Nitish, not Rupesh K.)."""
        clusters, families = self.cluster_names(), self.families()
        by_family: dict[str, list[NameIdx]] = defaultdict(list)
        for r in sorted(clusters):
            if all(n.researcher for n in clusters[r]):
                continue  # key researchers are matched last, with their own rules
            by_family[families[r]].append(r)
        changed = False
        for family in sorted(by_family):
            roots = by_family[family]
            if len(roots) < 2:
                continue
            self.log.comparisons["unique-family"] += len(roots) ** 2  # within one family only
            # Whether two clusters fit depends on their sets of given-token tuples only, and a
            # family's clusters have few distinct sets (a prolific author's hundreds of
            # clusters, x1000, are a handful of written forms): each pair of sets once
            kind_of: dict[frozenset[tuple[str, ...]], int] = {}
            of = [
                kind_of.setdefault(
                    frozenset(n.name.given_tokens for n in clusters[r]), len(kind_of)
                )
                for r in roots
            ]
            kinds = list(kind_of)
            fit = [[False] * len(kinds) for _ in kinds]
            for a, ta in enumerate(kinds):
                for b in range(a, len(kinds)):
                    fit[a][b] = fit[b][a] = all_compatible(ta, kinds[b])
            if family in COMMON_FAMILIES or len(family) < 3:
                for i, x in enumerate(roots):  # roots ascend: pairs in sorted order
                    fits_x = fit[of[i]]
                    for j in range(i + 1, len(roots)):
                        if fits_x[of[j]]:
                            self.near(
                                x,
                                roots[j],
                                60.0,
                                f"compatible, but {family!r} is a common family "
                                "name and no co-author is shared",
                            )
                continue
            if all(all(row) for row in fit):  # every pair of the family fits
                for other in roots[1:]:
                    changed |= self.join(
                        roots[0],
                        other,
                        "unique-family",
                        80.0,
                        f"the only person named {family!r} in the sources",
                    )
                continue
            full = [
                j for j, r in enumerate(roots) if any(n.name.has_full_given for n in clusters[r])
            ]
            has_full = set(full)
            for i, x in enumerate(roots):
                if i in has_full:
                    continue
                fits = [roots[j] for j in full if fit[of[i]][of[j]]]
                if len(fits) == 1:
                    changed |= self.join(
                        fits[0],
                        x,
                        "unique-compatible-family",
                        75.0,
                        f"the only person named {family!r} whose first name fits these initials",
                    )
                elif fits:
                    self.near(x, fits[0], 70.0, f"initials fit several people named {family!r}")
        return changed

    def registered(self) -> None:
        """Names the key registry knows as one person stay one person (`registered_people`),
        when nothing blocks it and their given names agree."""
        clusters = self.cluster_names()
        named = (
            NamedOn(n.idx, n.name, None if n.paper is None else self.paper_keys.get(n.paper))
            for n in self.mentions
        )
        found = registered_people(named, self.registry)
        for row, idxs in found:
            first = idxs[0]
            for other in idxs[1:]:
                xs, ys = clusters[self.uf.find(first)], clusters[self.uf.find(other)]
                if self.uf.same(first, other) or not self.compatible(xs, ys):
                    continue
                self.join(first, other, "registered-person", 85.0, f"{row.key} ({row.prov})")

    def run(self) -> UnionFind[NameIdx]:
        self.apply_curation()
        self.align_papers()
        self.same_full_name()
        self.registered()
        while (
            coauthor_overlap(self)
            or self.unique_family()
            or compound_family(self)
            or same_list_person(self)
        ):
            pass
        match_key_researchers(self, self.clusters)
        self.log.flush("person", self.uf)
        self.release()
        return self.uf


__all__ = ["PersonResolver"]
