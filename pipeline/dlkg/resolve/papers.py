"""Which records name the same paper (docs/resolution.md, "Papers").

Rules, in order: curated same-as; strong identifiers (arXiv id, DOI, venue URL keys, the same
link); the normalised title (exact, then fuzzy) guarded by year (±1) and first author; for
entries of the Chinese translations still alone, section + year + first author of the list
they translate. Curated different-from and conflicting strong identifiers block any merge.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..normalize import (
    arxiv_id_from_text,
    arxiv_id_from_url,
    doi_from_text,
    doi_from_url,
    family_compatible,
    parse_person_name,
    slug_matches_title,
    title_key,
    url_key,
    venue_url_key,
)
from .base import IdKey, MentionIdx, PaperMention, sorted_keys
from .curation import Decision, PaperRef, parse_paper_ref, unmatched
from .keys import KeyRow, record_anchors
from .title_blocks import candidate_pairs
from .unionfind import Apart, Log, UnionFind

TITLE_MERGE = 90.0  # rapidfuzz ratio of title keys at or above which guarded titles merge
TITLE_NEAR = 75.0  # ... and above which a pair that did not merge is reported as a near miss
SLUG_MIN = 60.0  # a venue URL whose title words fit the entry's title less is not identity
LINK_TITLE_MIN = 60.0  # two English titles sharing a link must fit at least this well
TITLES_ALIKE = f"titles alike below {TITLE_MERGE:g}"  # the reason of a near miss by title
STRONG_KINDS = ("arxiv", "doi", "nips", "cvf", "jmlr", "pmlr", "acl", "nature")


def first_author_compatible(a: PaperMention, b: PaperMention) -> bool:
    """First authors agree, allowing a typo and a family-first name without comma."""
    if not a.authors or not b.authors:
        return True
    na, nb = parse_person_name(a.authors[0]), parse_person_name(b.authors[0])
    return any(
        family_compatible(x, y, typo=True) for x in (na, na.swapped()) for y in (nb, nb.swapped())
    )


@dataclass
class PaperResolver:
    mentions: list[PaperMention]
    decisions: list[Decision]
    log: Log
    uf: UnionFind[MentionIdx] = field(init=False)
    registry: list[KeyRow] | None = None
    # identity keys by record index (a tuple per record, not a set: 1 M records at x1000)
    keys: list[tuple[IdKey, ...]] = field(default_factory=list)
    # url keys of each record's links that are neither identity nor a URL of its paper:
    # curated link-not-identity, and venue links naming another paper
    excluded: dict[MentionIdx, set[str]] = field(default_factory=dict)
    cannot: list[Apart] = field(default_factory=list)
    # root -> strong identifier kind -> values of its cluster (conflicting values block joins),
    # for the roots of joined clusters only: a record never joined has its own (`_strong`)
    strong: dict[MentionIdx, dict[str, set[str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.uf = UnionFind(len(self.mentions))

    # -- references of curation decisions ---------------------------------------------------
    def find_refs(self, ref: PaperRef | None) -> set[MentionIdx]:
        """The records a paper reference names (a paper key through its registered anchors)."""
        if ref is None:
            return set()
        if ref.kind == "bib":
            return {m.idx for m in self.mentions if m.bib and m.bib.key == ref.value}
        if ref.kind in {"arxiv", "doi"}:
            wanted = IdKey(ref.kind, ref.value)
            return {m.idx for m in self.mentions if wanted in self.keys[m.idx]}
        if ref.kind == "title":
            key = title_key(ref.value)
            return {m.idx for m in self.mentions if m.title_en and title_key(m.title_en) == key}
        anchors = {
            a
            for row in self.registry or []
            if row.kind == "paper" and row.key == ref.value
            for a in row.anchors
            if a.kind not in {"year", "author"}
        }
        return {m.idx for m in self.mentions if record_anchors(m, self.keys[m.idx]) & anchors}

    # -- identity keys --------------------------------------------------------------------------
    def collect_keys(self) -> None:
        curated = {url_key(d.subject) for d in self.decisions if d.kind == "link-not-identity"}
        used = set()
        for m in self.mentions:
            # each link's keys once (they were computed up to three times per link)
            links = [
                (url, url_key(url), arxiv_id_from_url(url), venue_url_key(url)) for url in m.links
            ]
            excluded = {key for _, key, _, _ in links if key in curated}
            used |= excluded
            for url, key, arxiv, venue in links:
                if arxiv and m.year and "." in arxiv and 2000 + int(arxiv[:2]) > m.year:
                    # An arXiv id from after the stated year is a later version (the DeepLab
                    # journal paper 1606.00915 linked from the ICLR 2015 entry), another paper.
                    excluded.add(key)
                    self.log.warn(
                        "resolve.link-later-than-paper",
                        f"link {url} is arXiv {arxiv}, submitted after the stated year "
                        f"{m.year}: a later version, not used to identify the paper, not a URL "
                        "of it",
                        m.prov,
                    )
                if venue and venue.slug and m.title_en:
                    score = slug_matches_title(venue.slug, m.title_en)
                    if score < SLUG_MIN:
                        # Only for this record: the paper the link does name may list it too.
                        excluded.add(key)
                        self.log.warn(
                            "resolve.link-names-other-paper",
                            f"link {url} names '{venue.slug}', not {m.title_en!r} "
                            f"(fit {score:.0f} < {SLUG_MIN:.0f}): not used to identify the "
                            "paper, not a URL of it",
                            m.prov,
                        )
            # The record's identity keys: its exclusions are final once its own links are read.
            keys: set[IdKey] = set()
            for url, key, arxiv, venue in links:
                if key in excluded:
                    continue
                doi = doi_from_url(url)
                keys.update({IdKey("arxiv", arxiv)} if arxiv else ())
                keys.update({IdKey("doi", doi)} if doi else ())
                keys.update({IdKey(venue.kind, venue.ident)} if venue else ())
                keys.add(IdKey("url", key))
            arxiv, doi = arxiv_id_from_text(m.venue), doi_from_text(m.venue)
            keys.update({IdKey("arxiv", arxiv)} if arxiv else ())
            keys.update({IdKey("doi", doi)} if doi else ())
            self.keys.append(tuple(keys))  # the mentions are numbered in this order
            if excluded:  # read with .get(idx, set()) only: most records have none
                self.excluded[m.idx] = excluded
        for d in self.decisions:
            if d.kind == "link-not-identity" and url_key(d.subject) not in used:
                self.log.issues.append(unmatched(d, "the link"))

    # -- guarded union ---------------------------------------------------------------------
    def blocked(self, a: MentionIdx, b: MentionIdx) -> str | None:
        """Why the clusters of a and b must stay apart, or None."""
        ra, rb = self.uf.find(a), self.uf.find(b)
        for left, right, reason in self.cannot:
            lr = {self.uf.find(MentionIdx(i)) for i in left}
            rr = {self.uf.find(MentionIdx(i)) for i in right}
            if (ra in lr and rb in rr) or (ra in rr and rb in lr):
                return f"curated different-from: {reason}"
        sa, sb = self._strong(ra), self._strong(rb)
        for kind in STRONG_KINDS:
            if sa.get(kind) and sb.get(kind) and not sa[kind] & sb[kind]:
                return f"different {kind} identifiers {sorted(sa[kind])} / {sorted(sb[kind])}"
        return None

    def join(self, a: MentionIdx, b: MentionIdx, rule: str, score: float, evidence: str) -> bool:
        ra, rb = self.uf.find(a), self.uf.find(b)
        if not self.uf.union(a, b, rule, score, evidence):
            return False
        root, other = self.uf.find(a), (rb if self.uf.find(a) == ra else ra)
        into = self.strong.get(root)
        if into is None:
            into = self.strong[root] = self._strong(root)
        merged = self._strong(other)
        self.strong.pop(other, None)  # no longer a root
        for kind, values in merged.items():
            into.setdefault(kind, set()).update(values)
        return True

    def _strong(self, root: MentionIdx) -> dict[str, set[str]]:
        """Strong identifier kind -> values of `root`'s cluster (fresh for a record never
        joined: a dict and sets per record were 0.2 GB at x1000)."""
        found = self.strong.get(root)
        if found is not None:
            return found
        out: dict[str, set[str]] = {}
        for kind, value in self.keys[root]:
            if kind in STRONG_KINDS:
                out.setdefault(kind, set()).add(value)
        return out

    def try_join(
        self, a: MentionIdx, b: MentionIdx, rule: str, score: float, evidence: str
    ) -> bool:
        if self.uf.same(a, b):
            return False
        why = self.blocked(a, b)
        if why:
            self.near(a, b, score, f"{rule} blocked: {why}")
            return False
        return self.join(a, b, rule, score, evidence)

    def near(self, a: MentionIdx, b: MentionIdx, score: float, reason: str) -> None:
        sides = (self.mentions[a], self.mentions[b])
        self.log.near("paper", a, b, sides, score, reason)

    # -- the rules ---------------------------------------------------------------------------
    def apply_curation(self) -> None:
        for d in self.decisions:
            if d.kind not in {"paper-same-as", "paper-different-from"}:
                continue
            left = self.find_refs(parse_paper_ref(d.subject))
            right = self.find_refs(parse_paper_ref(d.object))
            if d.kind == "paper-different-from":
                left -= right  # a broad reference (a shared title) names the other records
            if not left or not right:
                self.log.issues.append(unmatched(d, "subject" if not left else "object"))
                continue
            if d.kind == "paper-different-from":
                self.cannot.append(Apart(frozenset(left), frozenset(right), d.reason))
                continue
            first = min(left)
            for other in sorted((left | right) - {first}):
                self.join(first, other, "curated-same-as", 1.0, f"{d.reason} ({d.prov})")

    def apply_identifiers(self) -> None:
        by_key: dict[IdKey, list[MentionIdx]] = defaultdict(list)
        for idx, keys in enumerate(self.keys):
            for key in keys:
                by_key[key].append(MentionIdx(idx))
        for key in sorted_keys(set(by_key)):
            members = by_key[key]
            kind = key.kind
            rule = {"arxiv": "arxiv-id", "doi": "doi", "url": "same-link"}.get(kind, "venue-url")
            for other in members[1:]:
                a, b = self.mentions[members[0]], self.mentions[other]
                if kind in {"url", "arxiv"} and a.title_en and b.title_en:
                    fit = float(fuzz.token_set_ratio(title_key(a.title_en), title_key(b.title_en)))
                    if fit < LINK_TITLE_MIN:
                        self.near(a.idx, b.idx, fit, f"{key} shared, titles differ")
                        self.log.warn(
                            "resolve.link-title-mismatch",
                            f"{key} is shared by {a.label} and {b.label} whose titles differ",
                            b.prov,
                        )
                        continue
                self.try_join(members[0], other, rule, 1.0, str(key))

    def guard(self, a: PaperMention, b: PaperMention) -> str | None:
        if a.year is not None and b.year is not None and abs(a.year - b.year) > 1:
            return f"years {a.year} / {b.year} differ by more than one"
        if not first_author_compatible(a, b):
            return f"first authors {a.authors[0]!r} / {b.authors[0]!r} differ"
        return None

    def apply_titles(self) -> None:
        by_key: dict[str, list[MentionIdx]] = defaultdict(list)
        for m in self.mentions:
            if m.title_en and (key := title_key(m.title_en)):
                by_key[key].append(m.idx)
        names = sorted(by_key)
        pairs: list[tuple[float, str, str]] = [(100.0, k, k) for k in names]
        # Only pairs sharing a blocking key are scored (title_blocks.py): linear, not all pairs.
        scored = 0
        for i, j in candidate_pairs(names):
            scored += 1
            score = fuzz.ratio(names[i], names[j], score_cutoff=TITLE_NEAR)
            if score:
                pairs.append((float(score), names[i], names[j]))
        self.log.comparisons["title-fuzzy"] += scored
        pairs.sort(key=lambda p: (-p[0], p[1], p[2]))  # the best evidence first
        find = self.uf.find
        for score, ka, kb in pairs:
            if score < TITLE_MERGE:
                self._alike(by_key[ka], by_key[kb], score)
                continue
            for a in by_key[ka]:
                for b in by_key[kb]:
                    if (a >= b and ka == kb) or find(a) == find(b):
                        continue
                    self._title_pair(self.mentions[a], self.mentions[b], score)

    def _alike(self, left: list[MentionIdx], right: list[MentionIdx], score: float) -> None:
        """Near misses for two title keys alike below `TITLE_MERGE`: one per pair of clusters.

        Every record of one key against every record of the other gave the same near miss
        for each pair of clusters (a title's records are mostly one cluster already): 3.3 M
        pending pairs at x1000 for 1.2 M near misses. Nothing joins in here, so the first pair
        of two clusters is the one `Log.flush` would keep of them (equal scores: the first
        wins), and the later ones can be left out with the same report."""
        find, seen = self.uf.find, set()
        for a in left:
            ra = find(a)
            for b in right:
                rb = find(b)
                if ra == rb or (pair := (ra, rb) if ra < rb else (rb, ra)) in seen:
                    continue
                seen.add(pair)
                self.near(a, b, score, TITLES_ALIKE)  # one string for all such pairs

    def _title_pair(self, a: PaperMention, b: PaperMention, score: float) -> None:
        rule = "title-exact" if score == 100.0 else "title-fuzzy"
        if why := self.guard(a, b):
            self.near(a.idx, b.idx, score, f"{rule} refused: {why}")
        else:
            self.try_join(a.idx, b.idx, rule, score, f"{a.title_en!r} ~ {b.title_en!r}")

    def apply_translation_fallback(self) -> None:
        """A translated entry still alone: the one paper of the original list in the same
        section with the same year and first author (never a guess: several or none -> issue)."""
        groups = self.uf.groups()
        # (list, section, year, first author's family key or its last word) -> its records: a
        # lookup per translated record, not a scan of every record, nor of every record of one
        # section and year (those grow with the list: x100 -> x300 took 10x the time);
        # `family_compatible` without typos needs one of the three equalities looked up below
        by_place: dict[tuple[str | None, str | None, int | None, str, str], list[PaperMention]]
        by_place = defaultdict(list)
        # only the places a translated record asks about: parsing every first author is not free
        asked = {(m.translated_list, m.section_key, m.year) for m in self.mentions}
        for o in self.mentions:
            place = (o.list_id, o.section_key, o.year)
            if o.authors and place in asked:
                no = parse_person_name(o.authors[0])
                by_place[(*place, "key", no.family_key)].append(o)
                by_place[(*place, "last", no.family_last_key)].append(o)
        for m in self.mentions:
            original = m.translated_list
            if not original or len(groups[self.uf.find(m.idx)]) > 1:
                continue
            found: set[MentionIdx] = set()
            if m.authors:
                na = parse_person_name(m.authors[0])
                place = (original, m.section_key, m.year)
                lookups = (("key", na.family_key), ("key", na.family_last_key))
                for kind, key in (*lookups, ("last", na.family_key)):
                    for o in by_place.get((*place, kind, key), []):
                        if family_compatible(na, parse_person_name(o.authors[0])):
                            found.add(o.idx)
            # several records of one paper (listed twice in the section) are one candidate
            if len({self.uf.find(i) for i in found}) == 1:
                o_idx = min(found)
                o = self.mentions[o_idx]
                evidence = (
                    f"section {m.section_key}, year {m.year if m.year else 'none in either'}, "
                    f"first author {m.authors[0]!r} ~ {o.authors[0]!r}"
                )
                self.try_join(o_idx, m.idx, "zh-section-year-first-author", 1.0, evidence)
            elif len(found) > 1:
                labels = ", ".join(self.mentions[i].label for i in sorted(found))
                self.log.warn(
                    "resolve.zh-ambiguous",
                    f"{m.label}: several entries of {original} fit (section, year, first "
                    f"author): {labels}; not matched",
                    m.prov,
                )

    def apply_chinese_titles(self) -> None:
        """Records with one Chinese title key are one paper (a translation listing a paper
        twice, once where the fallback found it and once where it did not), guarded by year
        and first author like English titles. After the fallback, so that it decides first."""
        by_key: dict[str, list[MentionIdx]] = defaultdict(list)
        for m in self.mentions:
            if m.title_zh and (key := title_key(m.title_zh)):
                by_key[key].append(m.idx)
        for key in sorted(by_key):
            first, *others = by_key[key]
            for other in others:
                a, b = self.mentions[first], self.mentions[other]
                if self.uf.same(first, other):
                    continue
                why = self.guard(a, b)
                if why:
                    self.near(first, other, 100.0, f"zh-title-exact refused: {why}")
                    continue
                evidence = f"{a.title_zh!r} = {b.title_zh!r}"
                self.try_join(first, other, "zh-title-exact", 100.0, evidence)

    def run(self) -> UnionFind[MentionIdx]:
        self.collect_keys()
        self.apply_curation()
        self.apply_identifiers()
        self.apply_titles()
        self.apply_translation_fallback()
        self.apply_chinese_titles()
        self.log.flush("paper", self.uf)
        self.strong = {}  # only the joins read it
        return self.uf


__all__ = ["PaperResolver", "first_author_compatible"]
