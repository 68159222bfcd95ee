"""Name-level pieces of person resolution: mentions, same-paper matching, preferred names."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz

from .normalize import PersonName, family_compatible, make_name, names_compatible, same_tokens
from .records import KeyResearcher, Provenance

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


@dataclass
class NameMention:
    idx: int
    paper: int  # index of the paper cluster; -1 for a key researcher
    record: int  # PaperMention.idx; -1 for a key researcher
    position: int
    written: str
    name: PersonName  # the reading that matched (a family-first "Glorat Xavier" is swapped)
    rank: int
    prov: Provenance
    researcher: KeyResearcher | None = None

    @property
    def label(self) -> str:
        return f"{self.prov.source_id} {self.prov} {self.written!r}"


def match_same_position(a: PersonName, b: PersonName) -> tuple[str, float, str] | None:
    """How two names at the same position of one paper's author lists match:
    (rule, score, which side reads family-first: "", "a" or "b") or None."""
    if names_compatible(a, b):
        return "same-paper-position", 100.0, ""
    if names_compatible(a, b.swapped(), typo=True):
        return "same-paper-position-swapped", 90.0, "b"
    if names_compatible(a.swapped(), b, typo=True):
        return "same-paper-position-swapped", 90.0, "a"
    if same_tokens(a, b):
        return "same-paper-position-swapped", 90.0, ""
    if names_compatible(a, b, typo=True):
        return "same-paper-position-typo", float(fuzz.ratio(a.family_key, b.family_key)), ""
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


__all__ = ["COMMON_FAMILIES", "NameMention", "match_same_position", "preferred_name"]
