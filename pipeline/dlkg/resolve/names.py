"""Name-level pieces of person resolution: mentions, author lists read as written ("He,
Gkioxari" split), curation references to names, same-paper matching, preferred names."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz

from ..normalize import (
    PersonName,
    clean_name_text,
    family_compatible,
    fold,
    given_compatible,
    make_name,
    names_compatible,
    parse_person_name,
    same_tokens,
)
from ..records import KeyResearcher, Provenance
from .base import ClusterIdx, MentionIdx, NameIdx, PaperMention
from .curation import PaperRef, PersonRef
from .unionfind import Log

# Family names too common among the sources' authors for "only one person carries it" to be
# evidence (two different Y. Li's are listed): such people need a shared co-author or curation.
COMMON_FAMILIES = frozenset(
    {
        "li",
        "wang",
        "zhang",
        "liu",
        "chen",
        "yang",
        "huang",
        "zhao",
        "wu",
        "zhou",
        "xu",
        "sun",
        "ma",
        "zhu",
        "hu",
        "guo",
        "he",
        "lin",
        "luo",
        "gao",
        "zheng",
        "liang",
        "xie",
        "tang",
        "han",
        "cao",
        "deng",
        "feng",
        "yu",
        "kim",
        "lee",
        "park",
        "choi",
        "nguyen",
        "tran",
        "le",
        "pham",
    }
)


@dataclass(slots=True)  # no __dict__: one per record / written name (millions at x1000)
class NameMention:
    idx: NameIdx
    paper: ClusterIdx | None  # the paper cluster; None for a key researcher
    record: MentionIdx | None  # the record whose author list has it; None for a key researcher
    position: int  # 1-based in that author list; 0 for a key researcher
    written: str
    name: PersonName  # the reading that matched (a family-first "Glorat Xavier" is swapped)
    rank: int
    prov: Provenance
    researcher: KeyResearcher | None = None

    @property
    def label(self) -> str:
        return f"{self.prov.source_id} {self.prov} {self.written!r}"


def same_written(a: str, b: str) -> bool:
    """Two written forms of a name are the same once cleaned and folded ("Gómez" = "Gomez")."""
    return written_key(a) == written_key(b)


@lru_cache(maxsize=1 << 16)
def written_key(text: str) -> str:
    """A written name cleaned and folded. Cached: a curated reference by name alone compares
    itself with every written name, and the real curation has dozens (0.4 s of 2.7 s)."""
    return fold(clean_name_text(text))


def find_person_refs(
    ref: PersonRef | None,
    mentions: list[NameMention],
    find_paper: Callable[[PaperRef], set[MentionIdx]],
) -> set[NameIdx]:
    """The written names a person reference of a curation decision names: a name in any
    record of a paper, the n-th author of the referenced records, or a name anywhere."""
    if ref is None:
        return set()
    if ref.paper is None:
        target = written_key(ref.name or "")
        return {n.idx for n in mentions if written_key(n.written) == target}
    records = find_paper(ref.paper)
    if ref.position is not None:
        return {n.idx for n in mentions if n.record in records and n.position == ref.position}
    papers = {n.paper for n in mentions if n.record in records and n.paper is not None}
    return {
        n.idx for n in mentions if n.paper in papers and same_written(n.written, ref.name or "")
    }


def split_authors(m: PaperMention, members: list[PaperMention], log: Log) -> list[str]:
    """The record's authors; a "He, Gkioxari" whose part after the comma contradicts the
    given name another list of the paper shows at that position is two family names."""
    out: list[str] = []
    for i, written in enumerate(m.authors):
        name = parse_person_name(written)
        word = name.given
        if "," in written and " " not in word and len(word) > 1 and "." not in word:
            others = [
                parse_person_name(o.authors[i])
                for o in members
                if o is not m and i < len(o.authors)
            ]
            if any(
                family_compatible(o, name) and not given_compatible(o, name) and o.given
                for o in others
            ):
                log.warn(
                    "resolve.author-split",
                    f"{written!r} read as two authors {name.family!r}, {word!r}: another "
                    "list of the same paper gives a different first name",
                    m.prov,
                )
                out.extend([name.full_family, word])
                continue
        out.append(written)
    return out


class PositionMatch(NamedTuple):
    """How two names at one position match: the rule, its score and which side reads
    family-first ("", "a" or "b")."""

    rule: str
    score: float
    swapped: str


def match_same_position(a: PersonName, b: PersonName) -> PositionMatch | None:
    """How two names at the same position of one paper's author lists match, or None."""
    if names_compatible(a, b):
        return PositionMatch("same-paper-position", 100.0, "")
    if names_compatible(a, b.swapped(), typo=True):
        return PositionMatch("same-paper-position-swapped", 90.0, "b")
    if names_compatible(a.swapped(), b, typo=True):
        return PositionMatch("same-paper-position-swapped", 90.0, "a")
    if same_tokens(a, b):
        return PositionMatch("same-paper-position-swapped", 90.0, "")
    if names_compatible(a, b, typo=True):
        score = float(fuzz.ratio(a.family_key, b.family_key))
        return PositionMatch("same-paper-position-typo", score, "")
    return None


def preferred_name(names: list[NameMention]) -> PersonName:
    """The majority family spelling with the fullest given name seen (BibTeX first on ties)."""
    counts = Counter(n.name.family_key for n in names if n.name.family_key)
    family = min(
        counts, key=lambda k: (-counts[k], min(n.rank for n in names if n.name.family_key == k), k)
    )
    carriers = [n for n in names if n.name.family_key == family]
    spelled = min(carriers, key=lambda n: (n.rank, -len(n.name.particles), n.written)).name
    givers = [n for n in names if family_compatible(n.name, spelled, typo=True)]
    best = max(givers, key=lambda n: ((*_richness(n.name),), -n.rank, n.written))
    return make_name(best.name.given, spelled.family, spelled.particles)


def _richness(name: PersonName) -> tuple[int, int, int]:
    tokens = name.given_tokens
    return sum(len(t) > 1 for t in tokens), len(tokens), len("".join(tokens))


__all__ = [
    "COMMON_FAMILIES",
    "NameMention",
    "PositionMatch",
    "find_person_refs",
    "match_same_position",
    "preferred_name",
    "same_written",
    "split_authors",
]
