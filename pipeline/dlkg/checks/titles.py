"""Title typos and truncations: against the title words of the record's own link, against the
same paper's titles in other sources, and titles that end mid-phrase or lack a space."""

from __future__ import annotations

import re

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from .. import sources
from ..model import Resolution
from ..normalize.identifiers import venue_url_key
from ..normalize.titles import title_key
from ..records import Entry, Issue
from .common import CheckContext, Record, english, records_by_paper, warning

# Words a title does not end with: a title ending so was cut off.
_DANGLING = frozenset(
    {"a", "an", "the", "of", "for", "with", "and", "or", "to", "in", "on", "by", "via"}
    | {"from", "using", "into", "at", "as", "than"}
)
_NO_SPACE = re.compile(r"[A-Za-z]{2}[:;][A-Za-z]")
_KEPT = "kept as written on the list item; the paper's title is resolved across sources"


def _typo_pairs(mine: list[str], theirs: list[str]) -> list[tuple[str, str]]:
    """Words of `mine` that are not in `theirs` but a small edit away from one of its words."""
    pairs = []
    for word in mine:
        if word in theirs or len(word) < 4 or word.isdigit():
            continue
        limit = 1 if len(word) < 6 else 2
        close = [w for w in theirs if len(w) >= 4 and Levenshtein.distance(word, w) <= limit]
        if close:
            pairs.append((word, close[0]))
    return pairs


_MARKDOWN = frozenset({"awesome-list", "roadmap", "zh-awesome-list", "zh-roadmap-blog"})
_GLUED = re.compile(r"[a-z]{3}[A-Z]{3,}")  # "Computer VisionECCV": two words glued
_WORD = re.compile(r"\b(?:[A-Za-z]{6,}|[A-Z]{4,5})\b")  # long words and venue acronyms


def _note_typos(ctx: CheckContext) -> None:
    """Words of the notes and venues used once that are one edit from a word the same source
    uses at least twice ("Oustanding" beside "Outstanding"), and words glued together."""
    counts: dict[str, int] = {}
    texts = [(e, f"{e.note or ''} {e.venue or ''}") for e in ctx.result.entries]
    for _, text in texts:
        for w in _WORD.findall(text):
            counts[w.lower()] = counts.get(w.lower(), 0) + 1
    for entry, text in texts:
        line = ctx.lines[entry.prov.line - 1] if entry.prov.line <= len(ctx.lines) else ""
        if "\t" in line and ctx.kind in _MARKDOWN:  # a tab separates fields only in TSV
            ctx.warn(
                "check.text-typo",
                "a tab character inside the entry",
                entry.prov,
                "read as a space",
            )
        for glued in _GLUED.findall(entry.venue or ""):
            ctx.warn(
                "check.text-typo",
                f"words glued together in the venue {entry.venue!r} ({glued!r})",
                entry.prov,
                "kept as written on the list item",
            )
        for w in _WORD.findall(text):
            low = w.lower()
            if counts[low] > 1:
                continue
            close = [
                k
                for k, n in counts.items()
                if n > 1
                and Levenshtein.distance(k, low) == 1
                and not (k.startswith(low) or low.startswith(k))  # optimize / optimizer
            ]
            if close:
                ctx.warn(
                    "check.text-typo",
                    f"{w!r} where the source elsewhere writes {close[0]!r}",
                    entry.prov,
                    "kept as written on the list item",
                )


def check(ctx: CheckContext) -> None:
    _note_typos(ctx)
    for bib in ctx.result.bib_entries:
        if bib.title.rstrip().endswith(".") and not bib.title.rstrip().endswith("..."):
            ctx.warn(
                "check.title-trailing-period",
                f"the title ends with a period: {bib.title!r}",
                bib.prov,
                "period dropped from the paper's title; the BibTeX record keeps it",
            )
    for entry in ctx.result.entries:
        if entry.title_lang != "en":
            continue
        words = title_key(entry.title).split()
        if words and words[-1] in _DANGLING:
            ctx.warn(
                "check.title-mid-phrase",
                f"the title ends with {words[-1]!r}, mid-phrase: {entry.title!r}",
                entry.prov,
                _KEPT,
            )
        if _NO_SPACE.search(entry.title):
            ctx.warn(
                "check.title-missing-space",
                f"no space after the punctuation in {entry.title!r}",
                entry.prov,
                _KEPT,
            )
        _against_link(ctx, entry, words)


def _against_link(ctx: CheckContext, entry: Entry, words: list[str]) -> None:
    """The title words a NIPS or CVF link carries, compared word by word with the title."""
    for link in entry.links:
        venue = venue_url_key(link.url)
        if venue is None or not venue.slug:
            continue
        slug = title_key(venue.slug).split()
        if fuzz.token_set_ratio(" ".join(slug), " ".join(words)) < 60:
            continue  # the link names another paper: resolution reports that
        for word, other in _typo_pairs(words, slug):
            ctx.warn(
                "check.title-differs-from-link",
                f"title word {word!r} where its link says {other!r}: {entry.title!r}",
                entry.prov,
                _KEPT,
            )


def _words(title: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z0-9]*", title)


def _upper(word: str) -> int:
    return sum(c.isupper() for c in word)


def _lost_capitals(mine: str, theirs: str) -> list[str]:
    """Words written with at most one capital where the other title capitalises them inside
    (an acronym or a name lost its capitals: "Eie" for "EIE", "Vqa" for "VQA")."""
    other = {w.casefold(): w for w in _words(theirs) if _upper(w[1:]) >= 1}
    return [w for w in _words(mine) if w.casefold() in other and _upper(w) <= 1 and len(w) > 1]


def _capitals_of(words: list[str], theirs: str) -> list[str]:
    by_fold = {w.casefold(): w for w in _words(theirs)}
    return [by_fold.get(w.casefold(), w) for w in words]


def _title_rank(record: Record) -> int:
    kind = sources.of_source(record.prov.source_id)
    return kind.title_rank if kind else 99


def cross_check(resolution: Resolution) -> list[Issue]:
    """Each English record whose title is a small edit from, or a cut-off prefix of, another
    source's title of the same paper; reported on the worse-ranked title of each pair."""
    issues: list[Issue] = []
    for key, records in sorted(records_by_paper(resolution).items()):
        paper = resolution.papers.get(key)
        titled = list(english(records))
        keys = [title_key(r.title) for r in titled]  # each compared with every other
        for r, mine in zip(titled, keys, strict=True):
            cased = False
            for s, theirs in zip(titled, keys, strict=True):
                if s.prov.source_id == r.prov.source_id:
                    continue
                action = f"the paper's title is {paper.title_en!r}; {_KEPT}" if paper else _KEPT
                lost = [] if cased else _lost_capitals(r.title, s.title)
                if lost:
                    cased = True  # once per record, naming the first source that capitalises
                    shown = ", ".join(_capitals_of(lost, s.title))
                    issues.append(
                        warning(
                            "cross.title-case",
                            f"{', '.join(lost)} where {s.prov} writes {shown}",
                            r.prov,
                            action,
                        )
                    )
                if mine == theirs:
                    continue
                if theirs.startswith(mine + " ") and len(mine.split()) >= 2:
                    issues.append(
                        warning(
                            "cross.title-truncated",
                            f"title {r.title!r} is cut off; {s.prov} has {s.title!r}",
                            r.prov,
                            action,
                        )
                    )
                    break
                if _title_rank(s) >= _title_rank(r):
                    continue
                pairs = _typo_pairs(mine.split(), theirs.split())
                if pairs and fuzz.ratio(mine, theirs) >= 85:
                    shown = ", ".join(f"{a!r} for {b!r}" for a, b in pairs)
                    issues.append(
                        warning(
                            "cross.title-typo",
                            f"title has {shown}; {s.prov} writes {s.title!r}",
                            r.prov,
                            action,
                        )
                    )
                    break
    return issues
