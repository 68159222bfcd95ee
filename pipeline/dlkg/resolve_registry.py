"""The key registry `data/curation/keys.tsv`: paper and person keys that never change.

A key, once minted, is the local part of an IRI that others may have stored, so it must stay
the same after unrelated edits of the sources. Each registered key comes with *anchors*: facts
about its node that survive such edits (papers: arXiv id, DOI, venue ids, BibTeX key,
normalised titles, year, first author; persons: normalised written names and the keys of
their papers). On every build a node takes the registered key whose anchors it shares best;
a node matching no row is new and gets a fresh key that never takes a registered one (only
the newcomer is suffixed); a row matching no node is reported. See docs/resolution.md.

Format: UTF-8, tab-separated, header `kind key anchors`, anchors joined by " | ", rows sorted
by kind and key. `dlkg registry --update` rewrites it from the sources.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from .model import Resolution
from .normalize import PersonName, fold, title_key
from .records import Issue, Provenance
from .resolve_base import Log, PaperMention
from .resolve_curation import KEYS_FILE, CurationError, tsv_rows

HEADER = ("kind", "key", "anchors")
SEPARATOR = " | "
KINDS = ("paper", "person")
# Anchor kinds that identify a paper on their own; titles identify it less surely (two papers
# may share one); year and first author only break ties.
STRONG = frozenset(
    {"arxiv", "doi", "bib", "nips", "cvf", "jmlr", "pmlr", "acl", "nature", "mlpapers"}
)
WEIGHTS = {"title": 10, "zh": 10, "paper": 10, "name": 1, "year": 1, "author": 1}
IDENTIFYING = STRONG | {"title", "zh", "paper", "name"}
FUZZY_TITLE = 90.0  # a leftover node whose title is this close to a leftover row's title


@dataclass(frozen=True)
class KeyRow:
    """One registered key and the anchors its node had when it was registered."""

    kind: str
    key: str
    anchors: frozenset[str]
    prov: Provenance | None = None

    def row(self) -> str:
        return "\t".join((self.kind, self.key, SEPARATOR.join(sorted(self.anchors))))


@dataclass
class Node:
    """A resolved paper or person waiting for its key.

    `alternatives` are the keys the minting rule offers, in order of preference (a title
    slug, then with the year, then with the first author; `hinton-g`, then `hinton-geoffrey`).
    """

    anchors: frozenset[str]
    alternatives: tuple[str, ...]
    prov: Provenance
    label: str


def record_anchors(m: PaperMention, keys: set[str]) -> set[str]:
    """The anchors one record gives its paper: its identifiers (from `keys`, the identity keys
    the paper rules read from its links and text), BibTeX key and normalised titles."""
    out = {k for k in keys if k.partition(":")[0] in STRONG}
    out |= {f"bib:{m.bib.key}"} if m.bib else set()
    out |= {f"title:{title_key(m.title_en)}"} if title_key(m.title_en) else set()
    out |= {f"zh:{title_key(m.title_zh)}"} if title_key(m.title_zh) else set()
    return out


def name_anchor(name: PersonName) -> str:
    """`name:` and the display form's words folded: "Hinton, Geoffrey E" -> geoffrey e hinton."""
    return "name:" + " ".join(re.sub(r"[\W_]+", " ", fold(name.display)).split())


def registered_people(
    mentions: Iterable[tuple[int, PersonName, str | None]], rows: list[KeyRow] | None
) -> list[tuple[KeyRow, list[int]]]:
    """Written names the registry already assigned to one person: for each person row, the
    mentions (index, name, key of their paper) whose name *and* paper are anchors of the row.
    A new source can make a name ambiguous ("G. Hinton" once a Gerald Hinton is listed), and
    the rules would then split a person the registry knows as one."""
    listed = list(mentions)
    out = []
    for row in rows or []:
        if row.kind != "person":
            continue
        found = [
            idx
            for idx, name, paper in listed
            if paper and f"paper:{paper}" in row.anchors and name_anchor(name) in row.anchors
        ]
        if len(found) > 1:
            out.append((row, found))
    return out


def parse_registry(text: str, path: str = KEYS_FILE) -> list[KeyRow]:
    """Read a registry file; a malformed row or a duplicate key is a CurationError."""
    rows: list[KeyRow] = []
    seen: set[tuple[str, str]] = set()
    what = "kind (paper|person), key, anchors"
    for number, fields in tsv_rows(text, HEADER, path, what):
        if fields[0] not in KINDS or not fields[1]:
            raise CurationError(f"expected {what}", path=path, line=number)
        anchors = frozenset(a.strip() for a in fields[2].split("|") if a.strip())
        if not any(a.partition(":")[0] in IDENTIFYING for a in anchors):
            raise CurationError(
                f"key {fields[1]!r} has no identifying anchor", path=path, line=number
            )
        if (fields[0], fields[1]) in seen:
            raise CurationError(f"key {fields[1]!r} registered twice", path=path, line=number)
        seen.add((fields[0], fields[1]))
        rows.append(KeyRow(fields[0], fields[1], anchors, Provenance("curation", path, number)))
    return rows


def format_registry(rows: Iterable[KeyRow]) -> str:
    """The canonical text: header, rows sorted by kind and key, anchors sorted."""
    body = sorted({(r.kind, r.key): r.row() for r in rows}.items())
    return "\n".join(["\t".join(HEADER), *(text for _, text in body)]) + "\n"


def load_registry(curation_dir: Path | None) -> list[KeyRow] | None:
    """The registered keys, or None when there is no registry file (no key is registered)."""
    if curation_dir is None or not (curation_dir / KEYS_FILE).is_file():
        return None
    return parse_registry((curation_dir / KEYS_FILE).read_text(encoding="utf-8"))


def _score(node: frozenset[str], row: frozenset[str]) -> int:
    shared = [a.partition(":")[0] for a in node & row]
    if not any(kind in IDENTIFYING for kind in shared):
        return 0
    return sum(100 if kind in STRONG else WEIGHTS.get(kind, 0) for kind in shared)


def _titles(anchors: frozenset[str]) -> list[str]:
    return [a.partition(":")[2] for a in anchors if a.startswith("title:")]


def _fuzzy_score(node: frozenset[str], row: frozenset[str]) -> int:
    """A node whose title was corrected still finds its row (a typo fixed upstream)."""
    best = max(
        (fuzz.ratio(a, b) for a in _titles(node) for b in _titles(row)),
        default=0.0,
    )
    if best < FUZZY_TITLE:
        return 0
    extra = [a for a in node & row if a.partition(":")[0] in {"year", "author"}]
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
    scorers: list[Callable[[frozenset[str], frozenset[str]], int]] = [_score]
    if kind == "paper":
        scorers.append(_fuzzy_score)
    for scorer in scorers:
        pairs = [
            (s, row.key, rank[i], i)
            for row in mine
            if row.key not in taken_rows
            for i in order
            if keys[i] is None and (s := scorer(nodes[i].anchors, row.anchors))
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
    for row in mine:
        if row.key in taken_rows:
            continue
        heirs = sorted(
            {final[i] for i in range(len(nodes)) if _score(nodes[i].anchors, row.anchors)}
        )
        where = f"; its anchors now belong to {', '.join(heirs)}" if heirs else ""
        log.warn(
            "resolve.key-unmatched",
            f"registered {kind} key {row.key!r} matches no {kind} of the sources{where} "
            "(update the registry if the node is really gone)",
            row.prov,
        )
    return final


def updated_rows(
    current: Iterable[tuple[str, str, tuple[str, ...]]], old: list[KeyRow] | None, *, prune: bool
) -> list[KeyRow]:
    """The registry after an update: every current node with its current anchors; rows of
    nodes gone from the sources stay registered (their keys must not be reused) unless
    `prune`."""
    rows = {(k, key): KeyRow(k, key, frozenset(anchors)) for k, key, anchors in current}
    if not prune:
        for row in old or []:
            rows.setdefault((row.kind, row.key), KeyRow(row.kind, row.key, row.anchors))
    return list(rows.values())


def refreshed_registry(
    resolution: Resolution, curation_dir: Path, *, prune: bool = False
) -> tuple[str, list[Issue]]:
    """The canonical text keys.tsv should hold for `resolution`, and the key issues behind it
    (new keys, registered keys that matched nothing). `dlkg registry` compares or writes it."""
    old = load_registry(curation_dir)
    text = format_registry(updated_rows(resolution.key_anchors, old, prune=prune))
    codes = {"resolve.new-key", "resolve.key-unmatched"}
    return text, [i for i in resolution.issues if i.code in codes]


__all__ = [
    "KeyRow",
    "Node",
    "assign_keys",
    "format_registry",
    "load_registry",
    "name_anchor",
    "parse_registry",
    "record_anchors",
    "refreshed_registry",
    "registered_people",
    "updated_rows",
]
