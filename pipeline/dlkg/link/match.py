"""Is a hit this paper? Title, year and authors are scored; all three must agree.

A hit is found by an identifier (arXiv id, DOI), which makes it likely but not certain: a
mistyped id in a list, a service that merged a preprint with the wrong publication, or a DOI
reused by a publisher all happen. So a hit becomes a mapping only when

- its title agrees (rapidfuzz ratio of the comparison keys >= 90, or one title is the other
  with a subtitle), and
- its year agrees within one year (a preprint and its proceedings often straddle a new year),
  and
- its authors agree (at least half of the paper's family names appear among the hit's, and
  the first authors' family names agree when both are known).

Otherwise it is `rejected` (title disagrees: probably another work) or `ambiguous` (title
agrees, year or authors do not); both go to the link report. Confidence is the mean of the
three scores. A field the lists or the service does not give counts as "unknown", not as
agreement, and leaves the hit ambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..normalize import names_compatible, parse_person_name, title_key, title_similarity
from .model import Author, Hit, PaperQuery

TITLE_AGREES = 90.0
YEAR_TOLERANCE = 1
AUTHORS_AGREE = 0.5


@dataclass(frozen=True)
class Verdict:
    status: str  # "accepted", "ambiguous", "rejected"
    confidence: float  # 0-1
    title_score: float  # 0-100
    year_agrees: bool | None  # None: unknown on one side
    authors_score: float | None  # share of the paper's family names found; None: unknown
    agreed: tuple[str, ...]  # which of "title", "year", "authors" agreed
    note: str

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"


def family_key(name: str) -> str:
    return parse_person_name(name).family_last_key


def _title_score(paper: PaperQuery, hit: Hit) -> float:
    if not hit.title:
        return 0.0
    score = title_similarity(paper.title, hit.title)
    ours, theirs = title_key(paper.title), title_key(hit.title)
    # A subtitle added on one side ("...: an overview"); only for titles of four words or
    # more, as a two-word title ("Layer normalization") begins many other works' titles.
    if min(len(ours.split()), len(theirs.split())) >= 4 and (
        theirs.startswith(ours + " ") or ours.startswith(theirs + " ")
    ):
        score = max(score, TITLE_AGREES)
    return score


def _authors_score(paper: PaperQuery, authors: list[Author]) -> tuple[float | None, str]:
    ours = [family_key(n) for n in paper.authors]
    theirs = [family_key(a.name) for a in authors]
    ours, theirs = [k for k in ours if k], [k for k in theirs if k]
    if not ours or not theirs:
        return None, "authors unknown on one side"
    if ours[0] != theirs[0]:
        return 0.0, f"first author {paper.authors[0]!r} vs {authors[0].name!r}"
    found = sum(1 for k in ours if k in set(theirs))
    return found / len(ours), f"{found}/{len(ours)} family names found"


def judge(paper: PaperQuery, hit: Hit) -> Verdict:
    title = _title_score(paper, hit)
    year_ok = (
        None
        if paper.year is None or hit.year is None
        else abs(paper.year - hit.year) <= YEAR_TOLERANCE
    )
    authors, author_note = _authors_score(paper, hit.authors)
    agreed = tuple(
        name
        for name, ok in (
            ("title", title >= TITLE_AGREES),
            ("year", year_ok is True),
            ("authors", authors is not None and authors >= AUTHORS_AGREE),
        )
        if ok
    )
    parts = [title / 100, 1.0 if year_ok else 0.0, authors or 0.0]
    confidence = round(sum(parts) / 3, 3)
    note = f"title {title:.0f}; year {paper.year} vs {hit.year}; {author_note}"
    if "title" not in agreed:
        return Verdict("rejected", confidence, title, year_ok, authors, agreed, note)
    if len(agreed) < 3:
        return Verdict("ambiguous", confidence, title, year_ok, authors, agreed, note)
    return Verdict("accepted", confidence, title, year_ok, authors, agreed, note)


def person_matches(paper: PaperQuery, authors: list[Author]) -> list[tuple[str, Author]]:
    """(person key, the hit's author) for the author at the same byline position, or failing
    that the only author with the same family name, when the given names are compatible too
    ("G. E. Hinton" = "Geoffrey Hinton", but "Kaiming He" != "Wei He")."""
    parsed = [parse_person_name(a.name) for a in authors]
    theirs = [p.family_last_key for p in parsed]
    pairs = []
    for i, (name, person_key) in enumerate(zip(paper.authors, paper.person_keys, strict=True)):
        ours = parse_person_name(name)
        key = ours.family_last_key
        if not key:
            continue
        if i < len(theirs) and theirs[i] == key:
            j = i
        elif theirs.count(key) == 1:
            j = theirs.index(key)
        else:
            continue
        if names_compatible(ours, parsed[j]):
            pairs.append((person_key, authors[j]))
    return pairs


__all__ = ["Verdict", "judge", "person_matches"]
