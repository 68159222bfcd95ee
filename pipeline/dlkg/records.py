"""Typed records that flow between pipeline stages.

Parsers turn text into these records (pure functions, no I/O); every record carries the
`Provenance` of the line it came from so that any fact in the graph can be traced back to
`file:line`. Nothing here knows about RDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Level(StrEnum):
    """Severity of a build issue: warnings are reported, errors fail the build."""

    WARNING = "warning"
    ERROR = "error"


# slots (no per-instance __dict__) on every class made once per record, name or decision:
# millions of instances at x1000 (about 40 bytes less each)
@dataclass(frozen=True, order=True, slots=True)
class Provenance:
    """Where a record came from: the source id of data/sources.toml and a 1-based line."""

    source_id: str
    path: str  # the file name as a user would recognise it (e.g. "README.md")
    line: int

    def __str__(self) -> str:
        """`awesome-readme:89`: the source id names the input unambiguously (two inputs are both
        called README.md); curation files are not sources, so they keep their file name."""
        name = self.path if self.source_id == "curation" else self.source_id
        return f"{name}:{self.line}"


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem found while building: parse warnings, resolution notes, validation results.

    `code` is stable (e.g. "awesome.no-year") so tests and users can match on it; its category
    and the usual handling come from the catalogue (`dlkg.catalogue`). `action` says what the
    pipeline did about this one instance when that is more precise than the catalogue's
    handling (e.g. "canonical URL https://arxiv.org/pdf/1607.06450.pdf used on the entity").
    """

    code: str
    level: Level
    message: str
    where: Provenance | None = None
    action: str = ""

    def __str__(self) -> str:
        place = f"{self.where}: " if self.where else ""
        return f"{place}{self.level.value}: {self.message} [{self.code}]"


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink of an entry; `kind` is the bracket label lower-cased ("pdf", "web", "html")
    or "url" for a bare URL."""

    url: str
    kind: str


@dataclass(frozen=True, slots=True)
class Section:
    """A heading of a list. `key` is stable within its list: a slug of the English heading
    (awesome list), the section number ("2.1") for the roadmap.

    Translations map their headings onto the English list's keys, so `key` of a Chinese
    section equals the key of the English section it translates (`title` stays Chinese).
    """

    list_id: str
    key: str
    title: str
    lang: str  # BCP 47: "en" or "zh-Hans"
    prov: Provenance
    parent_key: str | None = None
    number: str | None = None  # printed number, e.g. "2.1"; None for unnumbered headings
    top100: bool | None = None  # awesome list only: inside the top-100 part or not


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a reading list, as the source states it (nothing resolved yet).

    `position` is the 1-based document order within its list; `number` is the printed number
    where the list has one (roadmap "[34]", which may repeat). `authors` holds the author names
    in order as written; `authors_complete` is False when the list ends in "et al." / "等人".
    """

    list_id: str
    section_key: str
    position: int
    title: str
    title_lang: str
    prov: Provenance
    number: str | None = None
    original_title: str | None = None  # an English title quoted in a Chinese entry
    year: int | None = None
    authors_text: str | None = None
    authors: tuple[str, ...] = ()
    authors_complete: bool = True
    venue: str | None = None
    links: tuple[Link, ...] = ()
    stars: int | None = None
    note: str | None = None  # roadmap bold note, e.g. "Dropout"
    commentary: str | None = None  # Chinese commentary paragraph (zh blog)
    recommendation: str | None = None  # e.g. "五星推荐"
    subsection: str | None = None  # e.g. "2016" in the appendix, "Lectures" in the video section
    end_line: int | None = None  # last line when the entry spans several lines


@dataclass(frozen=True, slots=True)
class KeyResearcher:
    """A person named in an awesome-list "[Key researchers]" comment, with the profile link."""

    list_id: str
    section_key: str
    name: str
    url: str | None
    prov: Provenance


@dataclass(frozen=True, slots=True)
class BibEntry:
    """One BibTeX entry with LaTeX decoded to Unicode; authors in order, as "Family, Given"
    or as written when the entry has no comma."""

    key: str
    entry_type: str
    title: str
    authors: tuple[str, ...]
    prov: Provenance
    authors_complete: bool = True  # False when the list ends in "and others"
    year: int | None = None
    venue: str | None = None  # journal or booktitle
    fields: tuple[tuple[str, str], ...] = ()  # every other field, decoded, sorted by name


@dataclass
class ParseResult:
    """What one parser returns for one source."""

    source_id: str
    sections: list[Section] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    bib_entries: list[BibEntry] = field(default_factory=list)
    key_researchers: list[KeyResearcher] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    # Lines that looked like entries: entries (+ bib entries) + entry issues must equal it.
    candidate_lines: int = 0
