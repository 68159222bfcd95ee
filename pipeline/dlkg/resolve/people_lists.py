"""People rules that read what one list says about its own authors (docs/resolution.md,
"People", rules 5b and 4b).

- **The one fitting person of the same list** (`same-list-person`): a list's editor writes one
  person the same way throughout, so an initials-only name ("K. He" on Mask R-CNN) is the one
  person of that family name whose given names fit *among the authors of the papers that
  list names* ("He, Kaiming" of ResNet, which the awesome list also names). Unlike rule 5 this
  holds for common family names too, because the candidates are only that list's authors: the
  "Y. Li" of the awesome list never meets the roadmap's "Yijun Li". A family name without any
  given name is never merged this way (it fits everybody).
- **A compound family name cut short** (`compound-family-name`): "Gomez, Sergio" and
  "Colmenarejo, Sergio Gómez" in one BibTeX file: the words of one begin the other's.
- **A middle name used as first name** (`coauthor-middle-name`, within rule 4): "Ryan Kiros" and
  "Jamie Ryan Kiros" share a co-author (Jimmy Ba) and a rare family name; the shorter given
  names are the later given names of the longer.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ..normalize import word_key
from .base import ClusterIdx, NameIdx
from .names import COMMON_FAMILIES, NameMention

if TYPE_CHECKING:
    from .people import PersonResolver


def paper_lists(rv: PersonResolver) -> dict[ClusterIdx, set[str]]:
    """The lists that name each paper (a translation counts as the list it translates)."""
    out: dict[ClusterIdx, set[str]] = defaultdict(set)
    for c, members in enumerate(rv.clusters):
        for m in members:
            out[ClusterIdx(c)] |= {x for x in (m.list_id, m.translated_list) if x}
    return out


def _written_lists(
    n: NameMention, rv: PersonResolver, lists: dict[ClusterIdx, set[str]]
) -> set[str]:
    """The lists a name is written in: its record's list, else (BibTeX) its paper's lists."""
    if n.record is None or n.paper is None:
        return set()
    record = next((m for m in rv.clusters[n.paper] if m.idx == n.record), None)
    if record is not None and record.list_id:
        return {x for x in (record.list_id, record.translated_list) if x}
    return lists[n.paper]


def list_scopes(
    rv: PersonResolver, lists: dict[ClusterIdx, set[str]]
) -> dict[NameIdx, frozenset[str]]:
    """Root -> the lists that name a paper of the person (kept for unchanged clusters)."""

    # a handful of distinct scopes (the lists) for 235k persons at x1000: one object each
    shared: dict[frozenset[str], frozenset[str]] = {}

    def scope(_r: NameIdx, ns: list[NameMention]) -> frozenset[str]:
        found = frozenset().union(*(lists[n.paper] for n in ns if n.paper is not None))
        return shared.setdefault(found, found)

    return rv.per_cluster("list-scope", scope)


def same_list_person(rv: PersonResolver) -> bool:
    """Merge each initials-only person with the one fitting person of its list (above)."""
    lists = paper_lists(rv)
    clusters, families = rv.cluster_names(), rv.families()
    authors_of = list_scopes(rv, lists)
    by_family: dict[str, list[NameIdx]] = defaultdict(list)
    for r in sorted(clusters):
        if any(n.name.given_tokens for n in clusters[r]) and not all(
            n.researcher for n in clusters[r]
        ):
            by_family[families[r]].append(r)
    changed = False
    for family in sorted(by_family):
        roots = by_family[family]
        for x in roots:
            if len(roots) < 2 or any(n.name.has_full_given for n in clusters[x]):
                continue
            scope = set().union(*(_written_lists(n, rv, lists) for n in clusters[x]))
            fits = [
                y
                for y in roots
                if y != x
                and authors_of[y] & scope
                and not rv.uf.same(x, y)
                and rv.compatible(clusters[x], clusters[y])
            ]
            if len(fits) == 1:
                where = ", ".join(sorted(authors_of[fits[0]] & scope))
                changed |= rv.join(
                    fits[0],
                    x,
                    "same-list-person",
                    75.0,
                    f"the only person named {family!r} whose given names fit, among the "
                    f"authors of the papers of {where}",
                )
    return changed


def _words(n: NameMention) -> tuple[str, ...]:
    family = [word_key(w) for w in n.name.full_family.split()]
    return tuple(w for w in (*n.name.given_tokens, *family) if w)


def compound_family(rv: PersonResolver) -> bool:
    """ "Sergio Gomez" is "Sergio Gómez Colmenarejo" cut short: the words of one written-out
    name begin the words of another's, both among the authors of one list's papers, and no
    other person of the list fits (`compound-family-name`)."""
    lists = paper_lists(rv)
    clusters = rv.cluster_names()
    scope_of = list_scopes(rv, lists)

    full: dict[tuple[str, ...], set[NameIdx]] = defaultdict(set)
    for r, ns in clusters.items():
        for n in ns:
            if n.name.has_full_given and n.paper is not None and len(_words(n)) >= 2:
                full[_words(n)].add(r)
    # every proper prefix of a name's words -> the persons of the longer names it begins: a
    # lookup per name instead of a scan of all names (quadratic in people)
    begun: dict[tuple[str, ...], set[NameIdx]] = defaultdict(set)
    for words, rs in full.items():
        for end in range(1, len(words)):
            begun[words[:end]] |= rs
    changed = False
    for short in sorted(full):
        longer = begun.get(short, set())
        for x in sorted(full[short]):
            scope = scope_of[x]  # of the clusters as the pass began, as `longer` is
            fits = {rv.uf.find(y) for y in longer if scope & scope_of[y]} - {rv.uf.find(x)}
            if len(fits) == 1:
                (y,) = fits
                changed |= rv.join(
                    y,
                    x,
                    "compound-family-name",
                    75.0,
                    f"{' '.join(short)!r} begins {clusters[y][0].written!r}: a compound family "
                    "name cut short, in one list",
                )
    return changed


def middle_name_fit(xs: list[NameMention], ys: list[NameMention], family: str) -> bool:
    """The written-out given names of one person are the later given names of the other's
    ("Ryan" / "Jamie Ryan"), for a family name that is not common."""
    if family in COMMON_FAMILIES or len(family) < 3:
        return False

    def full(ns: list[NameMention]) -> set[tuple[str, ...]]:
        return {
            tuple(t for t in n.name.given_tokens if len(t) > 1) for n in ns if n.name.has_full_given
        }

    for a in full(xs):
        for b in full(ys):
            short, long_ = sorted((a, b), key=len)
            if short and len(short) < len(long_) and long_[-len(short) :] == short:
                return True
    return False


__all__ = ["compound_family", "middle_name_fit", "paper_lists", "same_list_person"]
