"""People rule 4, co-author overlap (`coauthor-overlap`, docs/resolution.md "People"): two
persons whose names fit and who share a co-author are one person.

Which pairs are looked at decides how this rule grows. The rule was written as "every pair of
persons sharing a name token, among the people who co-author with one of x's co-authors", run
token by token; at x100 the token blocks ("wei", "wang") hold thousands of persons and the
co-authors of a prolific author's co-authors are thousands more, so intersecting the two per
person grew with exponent ~1.6. A pair can only *fit* when its persons have the same family key
or share the sorted full words of one written form (`same_tokens`; `middle_name_fit` and
`compatible` are only tried under the same family), so those two keys block the pairs, and
within one key's block a co-author -> members index finds the pairs sharing a co-author without
expanding anybody's co-authors' co-authors (one block's index at a time: an index of every
(co-author, key) at once was resolve's memory peak, 1.16 M lists at x100). The joins that
follow are the old ones in the old order: one event per shared token, sorted by
(token, x, y), so union-find roots, blocked joins and near misses are as before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from typing import TYPE_CHECKING

from ..normalize import PersonName, same_tokens
from ..normalize.names import sorted_full_words
from .base import ClusterIdx, NameIdx
from .names import NameMention
from .people_lists import middle_name_fit

if TYPE_CHECKING:
    from .people import PersonResolver


def _tokens(ns: list[NameMention]) -> set[str]:
    """The name words a pair must share to be looked at (as the token blocks always were)."""
    return {
        word for n in ns for word in (*n.name.given_tokens, n.name.family_last_key) if len(word) > 1
    }


def _keys(family: str, forms: list[PersonName]) -> set[Hashable]:
    """Blocking keys: a pair that fits shares one (see the module docstring)."""
    keys: set[Hashable] = {("family", family)}
    keys |= {("words", words) for form in forms if (words := sorted_full_words(form))}
    return keys


def _papers(_r: NameIdx, ns: list[NameMention]) -> tuple[ClusterIdx, ...]:
    # a tuple, not a set: one per person (a million written names at x1000), read only
    return tuple({n.paper: None for n in ns if n.paper is not None})


def _forms(ns: list[NameMention]) -> list[PersonName]:
    # each distinct written form once: a prolific author has hundreds of equal mentions
    return list(dict.fromkeys(n.name for n in ns))


def coauthor_overlap(rv: PersonResolver) -> bool:
    clusters = rv.cluster_names()
    # per cluster, kept for the clusters no rule changed since the last pass (as `keys` below)
    papers = rv.per_cluster("papers", _papers)
    people_of: dict[ClusterIdx, list[NameIdx]] = defaultdict(list)
    for r, ps in papers.items():
        for p in ps:
            people_of[p].append(r)  # each person once per paper: `papers` has no repeats
    families = rv.families()
    # tuples: smaller than sets, kept for every person between passes
    keys = rv.per_cluster("coauthor-keys", lambda r, ns: tuple(_keys(families[r], _forms(ns))))

    def forms(r: NameIdx) -> list[PersonName]:
        return _forms(clusters[r])

    coauthors = {r: tuple({q: None for p in ps for q in people_of[p]}) for r, ps in papers.items()}
    # key -> the persons carrying it; one key's block at a time below, so that the index of
    # (co-author, person) pairs never holds every key at once (it was the peak of resolve)
    carriers: dict[Hashable, list[NameIdx]] = defaultdict(list)
    for r in clusters:
        for key in keys[r]:
            carriers[key].append(r)
    found: set[tuple[NameIdx, NameIdx]] = set()
    for members in carriers.values():
        if len(members) < 2:
            continue
        via: dict[NameIdx, list[NameIdx]] = defaultdict(list)  # co-author q -> members with q
        for y in members:
            for q in coauthors[y]:
                if q != y:
                    via[q].append(y)
        for x in members:
            for q in coauthors[x]:
                if q != x:
                    found.update((x, y) for y in via.get(q, ()) if y > x)
    del carriers, coauthors

    def fits(x: NameIdx, y: NameIdx) -> bool:
        xs, ys = clusters[x], clusters[y]
        same_family = families[x] == families[y]
        return (
            (same_family and rv.compatible(xs, ys))
            or any(same_tokens(a, b) for a in forms(x) for b in forms(y))
            or (same_family and middle_name_fit(xs, ys, families[x]))
        )

    events: list[tuple[str, NameIdx, NameIdx]] = []
    for x, y in found:
        rv.log.comparisons["coauthor-overlap"] += 1
        # only for the pairs found (1 of 25k persons at x100), not a set for every person
        shared_tokens = _tokens(clusters[x]) & _tokens(clusters[y])
        if shared_tokens and not set(papers[x]) & set(papers[y]) and fits(x, y):
            events += [(token, x, y) for token in shared_tokens]
    changed = False
    for _token, x, y in sorted(events):
        if rv.uf.same(x, y):
            continue
        shared = {q for p in papers[x] for q in people_of[p] if q not in (x, y)} & {
            q for p in papers[y] for q in people_of[p] if q not in (x, y)
        }
        if shared:
            who = sorted(clusters[q][0].written for q in shared)[:3]
            changed |= rv.join(
                x, y, "coauthor-overlap", 90.0, f"shared co-authors: {', '.join(who)}"
            )
    return changed


__all__ = ["coauthor_overlap"]
