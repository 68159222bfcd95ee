"""Which written names denote the same person (docs/resolution.md, "People").

Rules, in order: curated same-as; the same paper's author lists aligned by position and
surname (typos, family-first forms and swapped names allowed only here); the same full first
name and family name; names the key registry holds as one person; compatible names sharing a
co-author; a family name that only one compatible person carries in the whole dataset (not
for very common family names). Curated different-from and "two positions of one author list"
block any merge. Curated `person-name` decisions are collected for the preferred name.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .normalize import (
    PersonName,
    clean_name_text,
    given_compatible,
    names_compatible,
    parse_person_name,
    same_tokens,
    word_key,
)
from .records import KeyResearcher, Provenance
from .resolve_base import Log, PaperMention, UnionFind
from .resolve_curation import Decision, PaperRef, PersonRef, parse_person_ref, unmatched
from .resolve_names import (
    COMMON_FAMILIES,
    NameMention,
    find_person_refs,
    match_same_position,
    split_authors,
)
from .resolve_registry import KeyRow, registered_people


@dataclass
class PersonResolver:
    clusters: list[list[PaperMention]]
    researchers: list[KeyResearcher]
    decisions: list[Decision]
    log: Log
    mentions: list[NameMention] = field(default_factory=list)
    uf: UnionFind = field(init=False)
    slots: dict[int, dict[int, set[int]]] = field(default_factory=dict)  # root -> record -> pos
    cannot: list[tuple[frozenset[int], frozenset[int], str]] = field(default_factory=list)
    by_record: dict[tuple[int, int], int] = field(default_factory=dict)
    # the records a paper reference of a curation decision names (PaperResolver.find_refs)
    find_paper: Callable[[PaperRef], set[int]] = lambda _ref: set()
    names: list[tuple[frozenset[int], PersonName, Decision]] = field(default_factory=list)
    registry: list[KeyRow] | None = None
    paper_keys: dict[int, str] = field(default_factory=dict)  # paper cluster -> its key

    def __post_init__(self) -> None:
        for c, members in enumerate(self.clusters):
            for m in members:
                for pos, written in enumerate(split_authors(m, members, self.log), start=1):
                    self._add(c, m.idx, pos, written, m.rank, m.prov)
        for kr in self.researchers:
            self._add(-1, -1, 0, kr.name, 9, kr.prov, kr)
        self.uf = UnionFind(len(self.mentions))
        for n in self.mentions:
            self.slots[n.idx] = {n.record: {n.position}} if n.record >= 0 else {}
            if n.record >= 0:
                self.by_record[(n.record, n.position)] = n.idx

    def _add(
        self,
        paper: int,
        record: int,
        pos: int,
        written: str,
        rank: int,
        prov: Provenance,
        kr: KeyResearcher | None = None,
    ) -> None:
        name = parse_person_name(written)
        idx = len(self.mentions)
        self.mentions.append(NameMention(idx, paper, record, pos, written, name, rank, prov, kr))

    # -- guarded union ----------------------------------------------------------------------
    def blocked(self, a: int, b: int) -> str | None:
        ra, rb = self.uf.find(a), self.uf.find(b)
        for left, right, reason in self.cannot:
            lr, rr = {self.uf.find(i) for i in left}, {self.uf.find(i) for i in right}
            if (ra in lr and rb in rr) or (ra in rr and rb in lr):
                return f"curated different-from: {reason}"
        sa, sb = self.slots[ra], self.slots[rb]
        for record in sa.keys() & sb.keys():
            if sa[record] != sb[record]:
                return f"both are authors of {self.clusters_label(record)} at different positions"
        return None

    def clusters_label(self, record: int) -> str:
        for n in self.mentions:
            if n.record == record:
                return str(n.prov)
        return str(record)

    def join(
        self, a: int, b: int, rule: str, score: float, evidence: str, *, force: bool = False
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

    def near(self, a: int, b: int, score: float, reason: str) -> None:
        labels = (self.mentions[a].label, self.mentions[b].label)
        self.log.near("person", a, b, labels, score, reason)

    # -- curation -----------------------------------------------------------------------------
    def find_refs(self, ref: PersonRef | None) -> set[int]:
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
                self.names.append((frozenset(left), parse_person_name(d.object), d))
            elif d.kind == "person-different-from":
                self.cannot.append((frozenset(left), frozenset(right), d.reason))
            else:
                first = min(left | right)
                for other in sorted((left | right) - {first}):
                    self.join(
                        first, other, "curated-same-as", 1.0, f"{d.reason} ({d.prov})", force=True
                    )

    def curated_names(self) -> dict[int, PersonName]:
        """Curated `person-name` of each final cluster root (after `run`)."""
        out: dict[int, PersonName] = {}
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
        by_record: dict[int, list[NameMention]] = defaultdict(list)
        for n in self.mentions:
            if n.record >= 0:
                by_record[n.record].append(n)
        for members in self.clusters:
            lists = [by_record[m.idx] for m in members if by_record[m.idx]]
            for i, ref in enumerate(lists):
                for other in lists[i + 1 :]:
                    self._align(ref, other)

    def _align(self, ref: list[NameMention], other: list[NameMention]) -> None:
        for j, n in enumerate(other):
            if j < len(ref) and (found := match_same_position(ref[j].name, n.name)):
                rule, score, swapped = found
                if swapped == "b":
                    n.name = n.name.swapped()
                elif swapped == "a":
                    ref[j].name = ref[j].name.swapped()
                self.join(ref[j].idx, n.idx, rule, score, f"position {j + 1} of the same paper")
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
    def cluster_names(self) -> dict[int, list[NameMention]]:
        out: dict[int, list[NameMention]] = defaultdict(list)
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
        return all(given_compatible(x.name, y.name) for x in xs for y in ys)

    def same_full_name(self) -> None:
        groups: dict[tuple[str, str], list[int]] = defaultdict(list)
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

    def coauthor_overlap(self) -> bool:
        clusters = self.cluster_names()
        papers: dict[int, set[int]] = {
            r: {n.paper for n in ns if n.paper >= 0} for r, ns in clusters.items()
        }
        people_of: dict[int, set[int]] = defaultdict(set)
        for r, ps in papers.items():
            for p in ps:
                people_of[p].add(r)
        by_token: dict[str, set[int]] = defaultdict(set)
        for r, ns in clusters.items():
            for n in ns:
                for word in (*n.name.given_tokens, n.name.family_last_key):
                    if len(word) > 1:
                        by_token[word].add(r)
        families = {r: self.family_of(ns) for r, ns in clusters.items()}
        changed = False
        for token in sorted(by_token):
            roots = sorted(by_token[token])
            for i, x in enumerate(roots):
                for y in roots[i + 1 :]:
                    if self.uf.same(x, y) or papers[x] & papers[y]:
                        continue
                    xs, ys = clusters[x], clusters[y]
                    fits = (families[x] == families[y] and self.compatible(xs, ys)) or any(
                        same_tokens(a.name, b.name) for a in xs for b in ys
                    )
                    if not fits:
                        continue
                    shared = {q for p in papers[x] for q in people_of[p] if q not in (x, y)} & {
                        q for p in papers[y] for q in people_of[p] if q not in (x, y)
                    }
                    if shared:
                        who = sorted(clusters[q][0].written for q in shared)[:3]
                        changed |= self.join(
                            x, y, "coauthor-overlap", 90.0, f"shared co-authors: {', '.join(who)}"
                        )
        return changed

    def unique_family(self) -> bool:
        """Merge people by a family name nobody else compatible carries: all of them when
        every pair fits; otherwise each initials-only person that fits exactly one of the
        people with a full first name ("N. Srivastava" -> Nitish, not Rupesh K.)."""
        clusters = self.cluster_names()
        by_family: dict[str, list[int]] = defaultdict(list)
        for r in sorted(clusters):
            if all(n.researcher for n in clusters[r]):
                continue  # key researchers are matched last, with their own rules
            by_family[self.family_of(clusters[r])].append(r)
        changed = False
        for family in sorted(by_family):
            roots = by_family[family]
            if len(roots) < 2:
                continue
            ok = {(x, y) for x in roots for y in roots if self.compatible(clusters[x], clusters[y])}
            if family in COMMON_FAMILIES or len(family) < 3:
                for x, y in sorted(ok):
                    if x < y:
                        self.near(
                            x,
                            y,
                            60.0,
                            f"compatible, but {family!r} is a common family "
                            "name and no co-author is shared",
                        )
                continue
            if len(ok) == len(roots) ** 2:
                for other in roots[1:]:
                    changed |= self.join(
                        roots[0],
                        other,
                        "unique-family",
                        80.0,
                        f"the only person named {family!r} in the sources",
                    )
                continue
            full = [r for r in roots if any(n.name.has_full_given for n in clusters[r])]
            for x in roots:
                if x in full:
                    continue
                fits = [y for y in full if (x, y) in ok]
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

    def key_researchers(self) -> None:
        """A key researcher is the person with that full name; else the one person of that
        family name with compatible (typo-tolerant) given names and a paper in the section
        the researcher is named in. Otherwise a person of their own (reported if ambiguous)."""
        krs = [n for n in self.mentions if n.researcher]
        for n in krs:
            for o in krs:
                if o.idx > n.idx and clean_name_text(o.written) == clean_name_text(n.written):
                    self.join(n.idx, o.idx, "same-full-name", 100.0, "the same key researcher")
        clusters = self.cluster_names()
        families = {r: self.family_of(ns) for r, ns in clusters.items()}
        done: set[int] = set()
        for n in krs:
            root = self.uf.find(n.idx)
            if root in done:
                continue
            done.add(root)
            kr = n.researcher
            assert kr is not None
            first = word_key(n.name.given.split()[0]) if n.name.given.split() else ""
            fits, exact, in_section = [], [], []
            for r, ns in clusters.items():
                if families[r] != n.name.family_last_key or all(m.researcher for m in ns):
                    continue
                if not all(given_compatible(m.name, n.name, typo=True) for m in ns):
                    continue
                fits.append(r)
                if any(
                    m.name.given.split() and word_key(m.name.given.split()[0]) == first
                    for m in ns
                    if not m.researcher
                ):
                    exact.append(r)
                if any(
                    p.list_id == kr.list_id and p.section_key == kr.section_key
                    for m in ns
                    if m.paper >= 0
                    for p in self.clusters[m.paper]
                ):
                    in_section.append(r)
            if len(exact) == 1:
                self.join(exact[0], n.idx, "key-researcher-name", 100.0, "the same full name")
            elif len(in_section) == 1:
                self.join(
                    in_section[0],
                    n.idx,
                    "key-researcher-section",
                    90.0,
                    f"the only fitting author with a paper in {kr.section_key}",
                )
            elif fits:
                self.log.warn(
                    "resolve.key-researcher-ambiguous",
                    f"key researcher {kr.name!r} fits {len(fits)} people; kept apart",
                    kr.prov,
                )

    def registered(self) -> None:
        """Names the key registry knows as one person stay one person (`registered_people`),
        when nothing blocks it and their given names agree."""
        clusters = self.cluster_names()
        found = registered_people(
            ((n.idx, n.name, self.paper_keys.get(n.paper)) for n in self.mentions), self.registry
        )
        for row, idxs in found:
            first = idxs[0]
            for other in idxs[1:]:
                xs, ys = clusters[self.uf.find(first)], clusters[self.uf.find(other)]
                if self.uf.same(first, other) or not self.compatible(xs, ys):
                    continue
                self.join(first, other, "registered-person", 85.0, f"{row.key} ({row.prov})")

    def run(self) -> UnionFind:
        self.apply_curation()
        self.align_papers()
        self.same_full_name()
        self.registered()
        while self.coauthor_overlap() or self.unique_family():
            pass
        self.key_researchers()
        self.log.flush("person", self.uf)
        return self.uf


__all__ = ["PersonResolver"]
