"""Which value of a fact a paper takes when its records disagree: the evidence order of
docs/resolution.md ("Facts follow evidence"), not the order in which records arrive.

- year: a venue named with its year (a CVF link `content_cvpr_2015`, "In ICLR, 2015", "Neural
  computation 18.7 (2006)") > BibTeX > a list's stated year (the awesome list's "(2016)", a
  section's year) > an arXiv statement ("arXiv preprint arXiv:1512.03385 (2015)", a BibTeX
  entry that only cites arXiv), then the source rank;
- authors: the fullest complete list that no other source contradicts (an "et al." list naming
  as many authors says there are more), else the longest list, marked incomplete;
- title: BibTeX, else the wording the independent records agree on best (translations copy
  their original and do not vote), never a wording another record continues (a truncation);
  words the venue's own file name spells otherwise are corrected ("snippents" -> "Snippets"),
  and "SGD:Training" gets its space back. Every other spelling stays an alternate name.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from rapidfuzz import fuzz

from ..normalize import clean_title, title_key, venue_url_key
from .base import MentionIdx, PaperMention

VENUE, BIBTEX, LIST, ARXIV = range(4)
LEVEL_NAMES = ("venue", "BibTeX", "list", "arXiv")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_ARXIV_VENUE = re.compile(r"arxiv|\bcorr\b|preprint", re.IGNORECASE)
_CVF_YEAR = re.compile(
    r"content_(cvpr|iccv|eccv)(?:_workshops)?_(\d{4})|_(\d{4})_(CVPR|ICCV|ECCV)_paper", re.I
)
SLUG_TYPO = 80.0  # a title word and the venue file name's word this alike (not equal): a typo


class YearEvidence(NamedTuple):
    """One record's year with the kind of evidence behind it (lower `level` wins)."""

    level: int
    rank: int
    idx: MentionIdx
    year: int
    why: str


def year_evidence(m: PaperMention) -> YearEvidence | None:
    """The year a record states and how much it is worth (see the module docstring)."""
    for url in m.links:
        found = _CVF_YEAR.search(url)
        if found:
            venue = (found.group(1) or found.group(4)).upper()
            year = int(found.group(2) or found.group(3))
            return YearEvidence(VENUE, m.rank, m.idx, year, f"{venue} {year} (link)")
    venue = m.venue if m.bib is None else (m.bib.venue or "")
    arxiv_only = bool(_ARXIV_VENUE.search(venue))
    if m.bib is not None and m.year is not None:
        level = ARXIV if arxiv_only else BIBTEX
        return YearEvidence(level, m.rank, m.idx, m.year, LEVEL_NAMES[level])
    stated = _YEAR.search(venue)
    if stated and not arxiv_only:
        return YearEvidence(VENUE, m.rank, m.idx, int(stated.group(1)), f"venue {venue!r}")
    if m.year is None:
        return None
    return YearEvidence(ARXIV if arxiv_only else LIST, m.rank, m.idx, m.year, "stated")


def choose_year(members: list[PaperMention]) -> tuple[YearEvidence | None, list[YearEvidence]]:
    """The winning evidence and every record's (for the conflict message)."""
    found = [e for m in members if (e := year_evidence(m)) is not None]
    return (min(found) if found else None), found


def contradicted(m: PaperMention, members: list[PaperMention]) -> PaperMention | None:
    """The record that contradicts a complete list of n names: an "et al." list of n names
    or more, or a longer complete list (None when nothing does)."""
    n = len(m.authors)
    for o in members:
        more = len(o.authors) > n if o.authors_complete else len(o.authors) >= n
        if o is not m and o.authors and more:
            return o
    return None


def author_source(members: list[PaperMention]) -> tuple[PaperMention | None, bool]:
    """The record whose author list the paper takes and whether that list is complete: the
    fullest complete list nothing contradicts (BibTeX first on equal length), else the
    longest list as incomplete ("et al." lists are completed from any source)."""
    with_authors = [m for m in members if m.authors]
    complete = [m for m in with_authors if m.authors_complete and contradicted(m, members) is None]
    if complete:
        return min(complete, key=lambda m: (-len(m.authors), m.rank, m.idx)), True
    if with_authors:
        # Equal lengths: a list its source marks complete names the authors better.
        best = min(with_authors, key=lambda m: (-len(m.authors), not m.authors_complete, m.rank))
        return best, False
    return None, False


class Ranked(NamedTuple):
    rank: int
    idx: MentionIdx
    value: str


def _capitals(text: str) -> int:
    return sum(map(str.isupper, text))


def choose_title(
    members: list[PaperMention], urls: list[str] | None = None
) -> tuple[str | None, list[str]]:
    """The canonical English title and every cleaned English spelling (see the module
    docstring); among the spellings of the chosen wording the one with the most capitals
    wins, because BibTeX exports lower-case acronyms ("Fast r-cnn", "Vqa")."""
    english = [Ranked(m.title_rank, m.idx, clean_title(m.title_en)) for m in members if m.title_en]
    if not english:
        return None, []
    spellings = [t.value for t in english]
    by_idx = {m.idx: m for m in members}
    keys = {t.idx: title_key(t.value) for t in english}
    # A wording another record continues ("... using convolutional") is a truncation.
    whole = [
        t
        for t in english
        if not any(k != keys[t.idx] and k.startswith(keys[t.idx]) for k in keys.values())
    ] or english
    bib = [t for t in whole if by_idx[t.idx].bib is not None]
    if bib:
        wording = keys[min(bib).idx]
    else:
        # Translations copy their original's title: only original records vote.
        voters = [keys[t.idx] for t in english if not by_idx[t.idx].translated_list]

        def agreement(t: Ranked) -> tuple[float, int, int]:
            return (-sum(fuzz.ratio(keys[t.idx], k) for k in voters), t.rank, t.idx)

        wording = keys[min(whole, key=agreement).idx]
    same = [t for t in english if keys[t.idx] == wording]
    best = max(same, key=lambda t: (_capitals(t.value), -t.rank, -t.idx)).value
    # Only the paper's own links (not one naming another paper) may correct its spelling.
    links = urls if urls is not None else [link for m in members for link in m.links]
    return display_title(best, links), spellings


_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")


_TIGHT_COLON = re.compile(r"(?<=[A-Za-z]):(?=[A-Za-z])")  # "Title:Subtitle"


def display_title(title: str, links: list[str]) -> str:
    """The title with the typos a venue link's file name corrects and a colon's space back."""
    for url in links:
        venue = venue_url_key(url)
        if venue and venue.kind in {"nips", "cvf"} and venue.slug:
            title = slug_corrected(title, venue.slug)
    return _TIGHT_COLON.sub(": ", title)


def slug_corrected(title: str, slug: str) -> str:
    """The title's leading words aligned with the words of a venue file name ("Ng_Beyond_
    Short_Snippets", "spatial-transformer-networks"): a word spelled a little differently
    (a typo, a lost plural) takes the file name's spelling in the title's case. Nothing
    changes unless every aligned word is equal or such a typo."""
    words = list(_WORD.finditer(title))
    slug_words = re.findall(r"[A-Za-z][A-Za-z'\-]*", slug)
    if not slug_words or len(slug_words) > len(words):
        return title
    fixes: list[tuple[re.Match[str], str]] = []
    for found, wanted in zip(words, slug_words, strict=False):
        word = found.group(0)
        if word.lower().replace("'", "") == wanted.lower().replace("'", ""):
            continue
        if len(word) < 4 or fuzz.ratio(word.lower(), wanted.lower()) < SLUG_TYPO:
            return title  # not the same wording: the link is not a spelling of this title
        fixes.append((found, wanted.capitalize() if word[0].isupper() else wanted.lower()))
    for found, wanted in reversed(fixes):
        title = title[: found.start()] + wanted + title[found.end() :]
    return title


__all__ = [
    "YearEvidence",
    "author_source",
    "choose_title",
    "choose_year",
    "contradicted",
    "display_title",
    "slug_corrected",
    "year_evidence",
]
