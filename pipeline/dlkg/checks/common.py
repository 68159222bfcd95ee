"""What the checks share: the context of one source, record lookups across a resolution."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from ..model import Resolution
from ..records import BibEntry, Entry, Issue, Level, ParseResult, Provenance


@dataclass
class CheckContext:
    """One source under single-source checks: its kind, text, records and the issues found."""

    kind: str
    text: str
    result: ParseResult
    path: str
    issues: list[Issue] = field(default_factory=list)

    @cached_property
    def lines(self) -> list[str]:
        # Split once: the checks look up a line per entry (24k entries of a 3.5 MB file at x100
        # of the growth benchmark split it 48k times, most of parsing there).
        return self.text.splitlines()

    def where(self, line: int) -> Provenance:
        return Provenance(self.result.source_id, self.path, line)

    def warn(self, code: str, message: str, prov: Provenance | int, action: str) -> None:
        where = self.where(prov) if isinstance(prov, int) else prov
        self.issues.append(Issue(code, Level.WARNING, message, where, action))


def warning(code: str, message: str, where: Provenance, action: str) -> Issue:
    return Issue(code, Level.WARNING, message, where, action)


Record = Entry | BibEntry


def records_by_paper(resolution: Resolution) -> dict[str, list[Record]]:
    """Every record (list entries, BibTeX entries) of each paper, in source-rank order."""
    found: dict[str, list[Record]] = defaultdict(list)
    for item in resolution.items:
        found[item.paper_key].append(item.entry)
    for bib, key in resolution.bib_entries:
        if key is not None:
            found[key].append(bib)
    return found


def english(records: list[Record]) -> Iterator[Record]:
    for r in records:
        if isinstance(r, BibEntry) or r.title_lang == "en":
            yield r


def authors_of(record: Record) -> tuple[tuple[str, ...], bool]:
    return record.authors, record.authors_complete


__all__ = ["CheckContext", "Record", "authors_of", "english", "records_by_paper", "warning"]
