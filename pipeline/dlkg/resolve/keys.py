"""The key registry `data/curation/keys.tsv`: paper and person keys that never change.

A key, once minted, is the local part of an IRI that others may have stored, so it must stay
the same after unrelated edits of the sources. Each registered key comes with *anchors*: facts
about its node that survive such edits (papers: arXiv id, DOI, venue ids, BibTeX key,
normalised titles, year, first author; persons: normalised written names and the keys of
their papers). On every build a node takes the registered key whose anchors it shares best;
a node matching no row is new and gets a fresh key that never takes a registered one (only
the newcomer is suffixed); a row matching no node is reported. See docs/resolution.md.

Format: UTF-8, tab-separated, header `kind key anchors`, anchors joined by " | ", rows sorted
by kind and key. `dlkg registry --update` rewrites it from the sources. Choosing the key of
each node from these rows is `minting`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..model import Resolution
from ..normalize import PersonName, fold, title_key
from ..normalize.titles import NON_WORD
from ..records import Issue, Provenance
from .base import IdKey, NameIdx, PaperMention, sorted_keys
from .curation import KEYS_FILE, CurationError, tsv_rows

HEADER = ("kind", "key", "anchors")
SEPARATOR = " | "
KINDS = ("paper", "person")
# Anchor kinds that identify a paper on their own; titles identify it less surely (two papers
# may share one); year and first author only break ties.
STRONG = frozenset(
    {"arxiv", "doi", "bib", "nips", "cvf", "jmlr", "pmlr", "acl", "nature", "mlpapers"}
)
IDENTIFYING = STRONG | {"title", "zh", "paper", "name"}


@dataclass(frozen=True)
class KeyRow:
    """One registered key and the anchors its node had when it was registered."""

    kind: str
    key: str
    anchors: frozenset[IdKey]
    prov: Provenance | None = None

    def row(self) -> str:
        anchors = SEPARATOR.join(map(str, sorted_keys(self.anchors)))
        return "\t".join((self.kind, self.key, anchors))


def record_anchors(m: PaperMention, keys: Iterable[IdKey]) -> set[IdKey]:
    """The anchors one record gives its paper: its identifiers (from `keys`, the identity keys
    the paper rules read from its links and text), BibTeX key and normalised titles."""
    out = {k for k in keys if k.kind in STRONG}
    out |= {IdKey("bib", m.bib.key)} if m.bib else set()
    for kind, title in (("title", m.title_en), ("zh", m.title_zh)):
        if key := title_key(title):
            out.add(IdKey(kind, key))
    return out


def name_anchor(name: PersonName) -> IdKey:
    """`name:` and the display form's words folded: "Hinton, Geoffrey E" -> geoffrey e hinton."""
    return IdKey("name", " ".join(NON_WORD.sub(" ", fold(name.display)).split()))


class NamedOn(NamedTuple):
    """A written name, as `registered_people` reads it: its index, the parsed name and the
    key of its paper (None for a key researcher)."""

    idx: NameIdx
    name: PersonName
    paper_key: str | None


def registered_people(
    mentions: Iterable[NamedOn], rows: list[KeyRow] | None
) -> list[tuple[KeyRow, list[NameIdx]]]:
    """Written names the registry already assigned to one person: for each person row, the
    mentions (index, name, key of their paper) whose name *and* paper are anchors of the row.
    A new source can make a name ambiguous ("G. Hinton" once a Gerald Hinton is listed), and
    the rules would then split a person the registry knows as one."""
    # the mentions by name anchor, in the order given: each row then looks at the mentions
    # of its own name anchors, not at every mention (rows x mentions was 0.64 s of the real
    # build's 2.7 s, and grows with the square of the sources)
    by_name: dict[IdKey, list[tuple[int, NameIdx, str]]] = {}
    for n, (idx, name, paper) in enumerate(mentions):
        if paper:
            by_name.setdefault(name_anchor(name), []).append((n, idx, paper))
    out = []
    for row in rows or []:
        if row.kind != "person":
            continue
        candidates = sorted(
            found
            for anchor in row.anchors
            if anchor.kind == "name"
            for found in by_name.get(anchor, ())
        )
        found = [idx for _, idx, paper in candidates if IdKey("paper", paper) in row.anchors]
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
        anchors = frozenset(IdKey.parse(a.strip()) for a in fields[2].split("|") if a.strip())
        if not any(a.kind in IDENTIFYING for a in anchors):
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


def updated_rows(
    current: Iterable[tuple[str, str, tuple[str, ...]]], old: list[KeyRow] | None, *, prune: bool
) -> list[KeyRow]:
    """The registry after an update: every current node with its current anchors; rows of
    nodes gone from the sources stay registered (their keys must not be reused) unless
    `prune`."""
    rows = {
        (k, key): KeyRow(k, key, frozenset(map(IdKey.parse, anchors)))
        for k, key, anchors in current
    }
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
    "NamedOn",
    "format_registry",
    "load_registry",
    "name_anchor",
    "parse_registry",
    "record_anchors",
    "refreshed_registry",
    "registered_people",
    "updated_rows",
]
