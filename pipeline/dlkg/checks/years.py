"""Stated years against the arXiv id of the same record, and against the rule of the section.

An arXiv id names the month the preprint appeared (1412.1897: December 2014), so a record
cannot be older than its id; a year two or more years after the id is possible (a journal
version) but worth a note. The awesome list states rules for its sections: the top-100 part
holds papers "published from 2012 to 2016", "More Papers from 2016" and a `*(2016)*` sub-heading
hold 2016 papers, `*(~2014)*` holds 2014 and older, and the Contents marks "Old Papers" as
"Before 2012". The rules are read from the list's own text, not assumed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..normalize.identifiers import arxiv_id_from_text, arxiv_id_from_url
from ..normalize.urls import venue_year
from ..records import BibEntry, Entry
from .common import CheckContext

_KEPT = "the stated year is kept on the list item; the paper's year is resolved across sources"
_TOP_RANGE = re.compile(r"published from (\d{4}) to (\d{4})", re.I)
_BEFORE = re.compile(r"\[([^\]]+)\]\(#([^)]+)\)\s*:\s*before (\d{4})", re.I)


@dataclass(frozen=True)
class Rule:
    """A section's year rule: its wording and the years it allows (bounds inclusive)."""

    text: str
    first: int | None
    last: int | None

    def allows(self, year: int) -> bool:
        return (self.first is None or year >= self.first) and (
            self.last is None or year <= self.last
        )


def arxiv_year(arxiv_id: str) -> int | None:
    """The year an arXiv id was issued: '1412.1897' -> 2014, 'cs/9901001' -> 1999."""
    digits = re.search(r"(\d{2})(\d{2})[.\d]", arxiv_id.split("/")[-1])
    if not digits:
        return None
    yy = int(digits.group(1))
    return 1900 + yy if yy >= 91 else 2000 + yy


def _arxiv_of(record: Entry | BibEntry) -> str | None:
    for link in getattr(record, "links", ()):
        found = arxiv_id_from_url(link.url)
        if found:
            return found
    return arxiv_id_from_text(record.venue or "")


def _against_link(ctx: CheckContext, entry: Entry) -> None:
    """A year before the proceedings year its own link names, or three or more years after."""
    for link in entry.links:
        linked = venue_year(link.url)
        if linked is None or entry.year is None:
            continue
        if entry.year < linked or entry.year >= linked + 3:
            ctx.warn(
                "check.year-differs-from-link",
                f"year {entry.year}, but its link is from the proceedings of {linked}: {link.url}",
                entry.prov,
                _KEPT,
            )
            return


def check(ctx: CheckContext) -> None:
    for entry in ctx.result.entries:
        _against_link(ctx, entry)
    records: list[Entry | BibEntry] = [*ctx.result.entries, *ctx.result.bib_entries]
    for record in records:
        arxiv = _arxiv_of(record)
        issued = arxiv_year(arxiv) if arxiv else None
        if record.year is None or issued is None:
            continue
        if record.year < issued:
            ctx.warn(
                "check.year-before-arxiv-id",
                f"year {record.year} is older than arXiv:{arxiv} ({issued})",
                record.prov,
                _KEPT,
            )
        elif record.year >= issued + 2:
            ctx.warn(
                "check.year-long-after-arxiv-id",
                f"year {record.year} is {record.year - issued} years after arXiv:{arxiv}",
                record.prov,
                _KEPT,
            )
    if ctx.kind == "awesome-list":
        _section_rules(ctx)


def _rules(ctx: CheckContext) -> dict[str, Rule]:
    """Section key -> the section's year rule, read from the list's text and headings."""
    rules: dict[str, Rule] = {}
    top = _TOP_RANGE.search(ctx.text)
    for s in ctx.result.sections:
        title = s.title.strip()
        year = re.fullmatch(r"(?:.*\bfrom )?(\d{4})", title, re.I)
        upto = re.fullmatch(r"~\s*(\d{4})", title)
        if year:
            y = int(year.group(1))
            rules[s.key] = Rule(f"{y} only", y, y)
        elif upto:
            y = int(upto.group(1))
            rules[s.key] = Rule(f"{y} or before", None, y)
        elif s.top100 and top:
            lo, hi = int(top.group(1)), int(top.group(2))
            rules[s.key] = Rule(f"{lo}-{hi}", lo, hi)
    for m in _BEFORE.finditer(ctx.text):
        key = re.sub(r"-+", "-", m.group(2).lower()).strip("-")
        y = int(m.group(3))
        rules[key] = Rule(f"before {y}", None, y - 1)
    return rules


def _section_rules(ctx: CheckContext) -> None:
    rules = _rules(ctx)
    for entry in ctx.result.entries:
        rule = rules.get(entry.section_key)
        if rule is None or entry.year is None or rule.allows(entry.year):
            continue
        ctx.warn(
            "check.year-outside-section",
            f"year {entry.year} in section {entry.section_key!r}, whose rule is {rule.text}",
            entry.prov,
            "kept in its section as written",
        )
