"""Choosing the key of every resolved node: its registered key when its anchors match a row
of the key registry (`keys`), else a fresh one that never takes a registered key.

A node takes the registered key whose anchors it shares best (strong identifiers count most,
titles less, year and first author only break ties); a paper whose title was corrected still
finds its row by a close title. New keys and rows matching nothing are reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..records import Provenance
from .base import IdKey
from .curation import KEYS_FILE
from .keys import IDENTIFYING, STRONG, KeyRow
from .unionfind import Log

WEIGHTS = {"title": 10, "zh": 10, "paper": 10, "name": 1, "year": 1, "author": 1}
FUZZY_TITLE = 90.0  # a leftover node whose title is this close to a leftover row's title


@dataclass
class Node:
    """A resolved paper or person waiting for its key.

    `alternatives` are the keys the minting rule offers, in order of preference (a title
    slug, then with the year, then with the first author; `hinton-g`, then `hinton-geoffrey`).
    """

    anchors: frozenset[IdKey]
    alternatives: tuple[str, ...]
    prov: Provenance
    label: str


def _score(node: frozenset[IdKey], row: frozenset[IdKey]) -> int:
    shared = [a.kind for a in node & row]
    if not any(kind in IDENTIFYING for kind in shared):
        return 0
    return sum(100 if kind in STRONG else WEIGHTS.get(kind, 0) for kind in shared)


def _titles(anchors: frozenset[IdKey]) -> list[str]:
    return [a.value for a in anchors if a.kind == "title"]


def _fuzzy_score(node: frozenset[IdKey], row: frozenset[IdKey]) -> int:
    """A node whose title was corrected still finds its row (a typo fixed upstream)."""
    best = max(
        (fuzz.ratio(a, b) for a in _titles(node) for b in _titles(row)),
        default=0.0,
    )
    if best < FUZZY_TITLE:
        return 0
    extra = [a for a in node & row if a.kind in {"year", "author"}]
    return 5 + len(extra)


def _mint(nodes: Sequence[Node], todo: list[int], taken: set[str]) -> dict[int, str]:
    """Fresh keys for new nodes. A new node whose key collides with a registered key or with
    another new node's moves to its next alternative (every new node of a colliding group
    does, so two new "Deep learning" papers both get their year); what still collides gets
    `-2`, `-3` in source order. Registered keys are never touched."""
    level = dict.fromkeys(todo, 0)
    current = {i: nodes[i].alternatives[0] for i in todo}
    for _ in range(max((len(nodes[i].alternatives) for i in todo), default=1)):
        groups: dict[str, list[int]] = {}
        for i in todo:
            groups.setdefault(current[i], []).append(i)
        moved = False
        for key, members in groups.items():
            if len(members) > 1 or key in taken:
                for i in members:
                    if level[i] + 1 < len(nodes[i].alternatives):
                        level[i] += 1
                        current[i] = nodes[i].alternatives[level[i]]
                        moved = True
        if not moved:
            break
    out: dict[int, str] = {}
    used = set(taken)
    for i in sorted(todo, key=lambda i: nodes[i].prov):
        key, n = current[i], 1
        while (key if n == 1 else f"{current[i]}-{n}") in used:
            n += 1
        key = key if n == 1 else f"{current[i]}-{n}"
        used.add(key)
        out[i] = key
    return out


def assign_keys(kind: str, nodes: Sequence[Node], rows: list[KeyRow] | None, log: Log) -> list[str]:
    """The key of every node: its registered key when its anchors match a row, else a fresh
    one. New keys (`resolve.new-key`) and rows matching nothing (`resolve.key-unmatched`) are
    reported when a registry is in use (`rows` is not None)."""
    mine = [r for r in rows or [] if r.kind == kind]
    keys: list[str | None] = [None] * len(nodes)
    taken_rows: set[str] = set()
    order = sorted(range(len(nodes)), key=lambda i: nodes[i].prov)
    rank = {i: n for n, i in enumerate(order)}
    scorers: list[Callable[[frozenset[IdKey], frozenset[IdKey]], int]] = [_score]
    if kind == "paper":
        scorers.append(_fuzzy_score)
    # Blocking: `_score` is 0 unless an identifying anchor is shared, so each node is scored
    # only against the rows holding one of its identifying anchors.
    rows_with: dict[IdKey, list[int]] = defaultdict(list)
    for r, row in enumerate(mine):
        for anchor in row.anchors:
            if anchor.kind in IDENTIFYING:
                rows_with[anchor].append(r)

    def candidates(i: int) -> set[int]:
        return {r for a in nodes[i].anchors for r in rows_with.get(a, ())}

    for scorer in scorers:
        if scorer is _score:
            block = [(r, i) for i in order for r in sorted(candidates(i))]
        else:  # a fuzzy title: only the nodes and rows left over by the exact pass
            block = [
                (r, i)
                for r, row in enumerate(mine)
                if row.key not in taken_rows
                for i in order
                if keys[i] is None
            ]
        what = "anchors" if scorer is _score else "fuzzy-title"
        log.comparisons[f"{kind}-key-{what}"] += len(block)
        pairs = [
            (s, mine[r].key, rank[i], i)
            for r, i in block
            if mine[r].key not in taken_rows
            and keys[i] is None
            and (s := scorer(nodes[i].anchors, mine[r].anchors))
        ]
        # Best-scored pairs first; ties by row key, then source order: all deterministic.
        for _, key, _, i in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
            if keys[i] is None and key not in taken_rows:
                keys[i] = key
                taken_rows.add(key)
    todo = [i for i in range(len(nodes)) if keys[i] is None]
    fresh = _mint(nodes, todo, {r.key for r in mine} | {k for k in keys if k})
    for i, key in fresh.items():
        keys[i] = key
        if rows is not None:
            log.warn(
                "resolve.new-key",
                f"new {kind} key {key!r} for {nodes[i].label}: not in {KEYS_FILE}; register it "
                "with `dlkg registry --update` and commit the file",
                nodes[i].prov,
            )
    final = [k or "" for k in keys]
    nodes_with: dict[int, list[int]] = defaultdict(list)  # row -> the nodes sharing an anchor
    for i in range(len(nodes)):
        for r in candidates(i):
            nodes_with[r].append(i)
    for r, row in enumerate(mine):
        if row.key in taken_rows:
            continue
        heirs = sorted({final[i] for i in nodes_with[r] if _score(nodes[i].anchors, row.anchors)})
        where = f"; its anchors now belong to {', '.join(heirs)}" if heirs else ""
        log.warn(
            "resolve.key-unmatched",
            f"registered {kind} key {row.key!r} matches no {kind} of the sources{where} "
            "(update the registry if the node is really gone)",
            row.prov,
        )
    return final


__all__ = ["Node", "assign_keys"]
