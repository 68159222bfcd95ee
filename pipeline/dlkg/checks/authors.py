"""Author lists of one paper compared across sources.

- `cross.authors-shorter`: a list marked complete (no "et al.") that names fewer authors than
  another source's list of the same paper.
- `cross.complete-but-et-al-elsewhere`: a complete list of n names while another source writes
  at least n names and then "et al.", so one of them is wrong.
- `cross.et-al-needless`: "et al." although another source's complete list is no longer than
  the list's own convention writes in full (the awesome list names two authors, "A and B";
  the roadmap up to three) — so the full list was known and fits; only where the paper
  keeps a complete list (else the "complete" lists are what is wrong).
- `cross.author-name-typo`: the same author position spelt with a family name a small edit
  away from another source's (Loffe / Ioffe), reported on the lower-ranked source.

Each says what the paper uses: the resolved author list is not changed here.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from .. import sources
from ..model import Resolution
from ..normalize.titles import fold
from ..records import Issue
from ..resolve.author_lists import AUTHORS_IN_FULL, et_al_saying_more, longer_lists, other_sources
from .common import Record, records_by_paper, warning


def _rank(record: Record) -> int:
    kind = sources.of_source(record.prov.source_id)
    return kind.rank if kind else 99


def _tokens(name: str) -> list[str]:
    """The name's words of four letters or more, folded ("Glorat Xavier" -> glorat, xavier):
    compared as words because lists write family and given names in either order."""
    return [t for t in re.split(r"[^\w]+", fold(name)) if len(t) >= 4]


def _typo_of(mine: str, theirs: str) -> tuple[str, str] | None:
    ours, other = _tokens(mine), _tokens(theirs)
    for a in ours:
        if a in other:
            continue
        for b in other:
            if b not in ours and Levenshtein.distance(a, b) <= (1 if len(a) < 6 else 2):
                return a, b
    return None


def _uses(resolution: Resolution, key: str) -> str:
    paper = resolution.papers[key]
    state = "complete" if paper.authors_complete else "incomplete"
    return (
        f"the paper keeps {len(paper.authorships)} authors ({state}); the record is kept as stated"
    )


def cross_check(resolution: Resolution) -> list[Issue]:
    issues: list[Issue] = []
    for key, records in sorted(records_by_paper(resolution).items()):
        named = [r for r in records if r.authors]
        if len(named) < 2 or key not in resolution.papers:
            continue
        action = _uses(resolution, key)
        for r in named:
            others = other_sources(r, named)
            if not others:
                continue
            longer = longer_lists(r, others)
            if r.authors_complete and longer:
                longest = max(longer, key=lambda s: (len(s.authors), -_rank(s)))
                issues.append(
                    warning(
                        "cross.authors-shorter",
                        f"{len(r.authors)} authors, marked complete; {longest.prov} lists "
                        f"{len(longest.authors)}",
                        r.prov,
                        action,
                    )
                )
            elif r.authors_complete and (etal := et_al_saying_more(r, others)):
                # an "et al." list longer than its list writes in full says more authors exist
                issues.append(
                    warning(
                        "cross.complete-but-et-al-elsewhere",
                        f"{len(r.authors)} authors, marked complete; {etal[0].prov} writes "
                        f"{len(etal[0].authors)} and 'et al.'",
                        r.prov,
                        action,
                    )
                )
            list_id = getattr(r, "list_id", None)
            full = [s for s in others if s.authors_complete]
            # Only where the resolution took a complete list: where it believed the "et al."
            # (the paper stays incomplete), the complete lists are the defect, and
            # `resolve.author-list-contradicted` names them (one defect, one warning).
            believed = resolution.papers[key].authors_complete
            if believed and not r.authors_complete and full and list_id in AUTHORS_IN_FULL:
                shortest = min(full, key=lambda s: len(s.authors))
                if len(shortest.authors) <= max(AUTHORS_IN_FULL[list_id], len(r.authors)):
                    issues.append(
                        warning(
                            "cross.et-al-needless",
                            f"'et al.' although {shortest.prov} lists all "
                            f"{len(shortest.authors)} authors",
                            r.prov,
                            action,
                        )
                    )
        issues += _typos(named, action)
    return issues


def _typos(named: list[Record], action: str) -> list[Issue]:
    """A name spelt a small edit away from the same position's name in another source: the
    spelling fewer records use is the typo (on a tie, the worse-ranked source's)."""
    issues: list[Issue] = []
    support: dict[str, int] = {}
    for r in named:
        for token in {t for name in r.authors for t in _tokens(name)}:
            support[token] = support.get(token, 0) + 1
    seen: set[tuple[str, str]] = set()
    for r in named:
        for s in named:
            if s.prov.source_id == r.prov.source_id:
                continue
            for i, (mine, theirs) in enumerate(zip(r.authors, s.authors, strict=False), 1):
                typo = _typo_of(mine, theirs)
                if typo is None or (typo[0], str(r.prov)) in seen:
                    continue
                ours, other = support.get(typo[0], 0), support.get(typo[1], 0)
                if ours > other or (ours == other and _rank(r) <= _rank(s)):
                    continue
                seen.add((typo[0], str(r.prov)))
                issues.append(
                    warning(
                        "cross.author-name-typo",
                        f"author {i} written {mine!r}; {s.prov} writes {theirs!r}",
                        r.prov,
                        action,
                    )
                )
    return issues
