"""The blocked co-author rule (dlkg/resolve/coauthors.py) decides exactly what the rule did when
it compared every pair of persons sharing a name token and a co-author's co-author.

The old loop is kept here as the reference; both run inside a whole resolution of crafted,
crowded records (few family names, shared first names, swapped forms, initials, two authors
of one paper with one family name) and must give the same merges, near misses and persons.
"""

from __future__ import annotations

import random
from collections import defaultdict

import pytest
from resolve_helpers import entry, run

from dlkg.model import Resolution
from dlkg.normalize import same_tokens
from dlkg.records import Entry
from dlkg.resolve import people
from dlkg.resolve.base import ClusterIdx, NameIdx
from dlkg.resolve.people_lists import middle_name_fit

FAMILIES = ["Wang", "Li", "Kiros", "Hinton", "Ba", "Zhang", "Colmenarejo"]
GIVEN = ["Jian", "Wei", "Ryan", "Jamie Ryan", "Geoffrey", "Jimmy", "Fei", "Fei Fei"]


def _old_coauthor_overlap(rv: people.PersonResolver) -> bool:
    """The rule as it was before blocking (commit 7be40c6), the specification of the new one."""
    clusters = rv.cluster_names()
    papers: dict[NameIdx, set[ClusterIdx]] = {
        r: {n.paper for n in ns if n.paper is not None} for r, ns in clusters.items()
    }
    people_of: dict[ClusterIdx, set[NameIdx]] = defaultdict(set)
    for r, ps in papers.items():
        for p in ps:
            people_of[p].add(r)
    by_token: dict[str, set[NameIdx]] = defaultdict(set)
    for r, ns in clusters.items():
        for n in ns:
            for word in (*n.name.given_tokens, n.name.family_last_key):
                if len(word) > 1:
                    by_token[word].add(r)
    families = {r: rv.family_of(ns) for r, ns in clusters.items()}
    forms = {r: list(dict.fromkeys(n.name for n in ns)) for r, ns in clusters.items()}
    coauthors = {r: {q for p in ps for q in people_of[p]} for r, ps in papers.items()}
    reach: dict[NameIdx, set[NameIdx]] = {}
    changed = False
    for token in sorted(by_token):
        block = by_token[token]
        if len(block) < 2:
            continue
        for x in sorted(block):
            if x not in reach:
                reach[x] = {y for q in coauthors[x] if q != x for y in coauthors[q] if y != q}
            for y in sorted(y for y in block & reach[x] if y > x):
                if rv.uf.same(x, y) or papers[x] & papers[y]:
                    continue
                xs, ys = clusters[x], clusters[y]
                same_family = families[x] == families[y]
                fits = (
                    (same_family and rv.compatible(xs, ys))
                    or any(same_tokens(a, b) for a in forms[x] for b in forms[y])
                    or (same_family and middle_name_fit(xs, ys, families[x]))
                )
                if not fits:
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


def _written(rng: random.Random) -> str:
    family, given = rng.choice(FAMILIES), rng.choice(GIVEN)
    form = rng.randrange(4)
    if form == 0:
        return f"{given} {family}"
    if form == 1:
        return f"{family}, {given}"
    if form == 2:
        return f"{given[0]}. {family}"
    return f"{family} {given}"  # family first: a swapped form


def _records(seed: int) -> list[Entry]:
    rng = random.Random(seed)  # noqa: S311 -- reproducible test data, not secrets
    out = []
    for i in range(60):
        authors = [_written(rng) for _ in range(rng.randint(2, 5))]
        source = rng.choice(["awesome-readme", "roadmap-readme"])
        out.append(entry(source, 10 + i, f"Paper number {i} on topic {seed}", *authors, year=2015))
    return out


def _decisions(res: Resolution) -> tuple[object, ...]:
    return (
        sorted(res.persons),
        res.merges,
        res.near_misses,
        sorted((m.person_key, m.name_as_written, m.prov) for m in res.person_mentions),
    )


@pytest.mark.parametrize("seed", range(6))
def test_blocked_pairs_decide_what_all_pairs_decided(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = _records(seed)
    new = run(*records)
    monkeypatch.setattr(people, "coauthor_overlap", _old_coauthor_overlap)
    old = run(*records)
    assert _decisions(new) == _decisions(old)


def test_the_crafted_records_exercise_the_rule() -> None:
    """Not vacuous: the records above make the rule merge, and refuse some merges."""
    rules = set()
    refused = 0
    for seed in range(6):
        res = run(*_records(seed))
        rules |= {m.rule for m in res.merges}
        refused += sum("different positions" in n.reason for n in res.near_misses)
    assert "coauthor-overlap" in rules
    assert refused > 0
