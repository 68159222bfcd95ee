"""BibTeX (top100papers.bib) -> `BibEntry` records, LaTeX decoded to Unicode.

Splitting is bibtexparser 2's; author lists are split by its `SeparateCoAuthors`; LaTeX is
decoded by pylatexenc. Line numbers are 1-based lines of the `@type{key,` line.

Counting rule: a *candidate line* is a line whose first non-blank character is `@` and which
does not open an `@comment`, `@string` or `@preamble` block (the same test bibtexparser
applies). Every candidate line yields exactly one `BibEntry` or exactly one issue whose code
is in `DROPPED_CODES`. Other issues (`bib.no-year`, `bib.latex`, `bib.stray-block`,
`bib.other-block-failed`) are notes on kept entries or on text off the candidate lines.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from bibtexparser import middlewares
from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares.middleware import Middleware
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    Entry,
    ExplicitComment,
    ImplicitComment,
    ParsingFailedBlock,
    Preamble,
    String,
)
from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexwalker import get_default_latex_context_db

from .. import sources
from ..records import BibEntry, Issue, Level, ParseResult, Provenance

KIND = sources.kind("bibtex")

# bibtexparser logs every aborted block; we report them as issues, so keep its log from
# falling through to Python's last-resort stderr handler when nothing configured logging.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

DROPPED_CODES: frozenset[str] = frozenset(
    {
        "bib.duplicate-key",
        "bib.missing-field",
        "bib.parse-failed",
        "bib.not-an-entry",
    }
)

# Fields kept verbatim: LaTeX decoding would eat `%` escapes and `~` in addresses.
_VERBATIM_FIELDS = frozenset({"url", "doi", "eprint", "file", "archiveprefix"})
_NON_ENTRY_PREFIX = re.compile(r"@(comment|preamble|string)", re.IGNORECASE)
_UNESCAPED_PERCENT = re.compile(r"(?<!\\)%")
_YEAR = re.compile(r"^\d{4}$")
# What pylatexenc turns into something else: its special characters, the TeX ligatures of
# dashes and quotes, and Spanish `!` `?`. A value with none of them decodes to itself (up to
# whitespace, which `decode` folds anyway; tests/parse/test_bibtex_decode.py compares the two
# on generated text and on every value of the real file), so it skips the LaTeX parser: most
# values do, and the parser was 60% of parsing the BibTeX at x100 (issue 13).
_LATEX_SPECIAL = re.compile(r"[\\{}$~%^_&#]|--|``|''|[!?]`")


class _Decoder:
    """LaTeX to text for one file: the values without LaTeX as they are; the others through
    pylatexenc with one context (it built a default one per value: 7 s of 33 at x100) and
    remembered per distinct value (a person's name with accents, on many entries)."""

    def __init__(self) -> None:
        self._latex = LatexNodes2Text(math_mode="verbatim")
        self._context = get_default_latex_context_db()
        self._decoded: dict[str, tuple[str, str | None]] = {}

    def decode(self, value: str) -> tuple[str, str | None]:
        """The text, and the decoder's error (the value itself then) if it failed."""
        if not _LATEX_SPECIAL.search(value):
            return " ".join(value.split()), None
        found = self._decoded.get(value)
        if found is None:
            try:
                # In BibTeX an unescaped % is a literal, but LaTeX would read a comment.
                escaped = _UNESCAPED_PERCENT.sub(r"\\%", value)
                text = self._latex.latex_to_text(escaped, latex_context=self._context)
                found = " ".join(text.split()), None
            except Exception as error:  # pylatexenc is tolerant, but never trust a decoder
                found = " ".join(value.split()), str(error)
            self._decoded[value] = found
        return found


def parse_bibtex(
    text: str, *, source_id: str = KIND.source_id, path: str = "top100papers.bib"
) -> ParseResult:
    """Parse a BibTeX file into `BibEntry` records and warnings; never raises on any text."""
    result = ParseResult(source_id=source_id)
    lines = text.split("\n")  # bibtexparser counts "\n" only; so do we
    candidates = [
        number
        for number, line in enumerate(lines, start=1)
        if line.lstrip().startswith("@") and not _NON_ENTRY_PREFIX.match(line.lstrip())
    ]
    result.candidate_lines = len(candidates)

    def where(line: int) -> Provenance:
        return Provenance(source_id, path, line)

    def warn(code: str, message: str, line: int) -> None:
        result.issues.append(Issue(code, Level.WARNING, message, where(line)))

    try:
        library = parse_string(text, parse_stack=_parse_stack())
        blocks: list[Block] = list(library.blocks)
    except Exception as error:  # a crash of the library must not stop the build
        for line in candidates:
            warn("bib.parse-failed", f"BibTeX parser failed on this file: {error}", line)
        return result

    decoder = _Decoder()
    first_line_of_key: dict[str, int] = {}
    claimed: set[int] = set()
    candidate_set = set(candidates)
    for block in _entry_blocks(blocks):
        line = _block_line(block, lines)
        if _NON_ENTRY_PREFIX.match((block.raw or "").lstrip()):
            warn(
                "bib.other-block-failed",
                f"@string/@comment/@preamble block not parsed: {_reason(block)}",
                line,
            )
            continue
        if line not in candidate_set or line in claimed:
            warn("bib.stray-block", "BibTeX block does not start its own line; ignored", line)
            continue
        claimed.add(line)
        if isinstance(block, DuplicateBlockKeyBlock):
            first = first_line_of_key.get(block.key)
            also = f" (first at line {first})" if first else ""
            warn("bib.duplicate-key", f"duplicate citation key {block.key!r}{also}", line)
        elif isinstance(block, ParsingFailedBlock):
            warn("bib.parse-failed", f"BibTeX block not parsed: {_reason(block)}", line)
        elif isinstance(block, Entry):
            first_line_of_key.setdefault(block.key, line)
            record = _to_record(block, decoder, where(line), result.issues)
            if record is not None:
                result.bib_entries.append(record)

    for line in candidates:
        if line not in claimed:
            warn("bib.not-an-entry", "line starts with '@' but holds no BibTeX entry", line)
    result.issues.sort(key=lambda issue: issue.where.line if issue.where else 0)
    return result


def _parse_stack() -> list[Middleware]:
    return [
        middlewares.ResolveStringReferencesMiddleware(allow_inplace_modification=True),
        middlewares.RemoveEnclosingMiddleware(allow_inplace_modification=True),
        middlewares.SeparateCoAuthors(allow_inplace_modification=True),
    ]


def _entry_blocks(blocks: Iterable[Block]) -> list[Block]:
    """Entries and every failed block (failed @string blocks are reported separately)."""
    skipped = (String, Preamble, ExplicitComment, ImplicitComment)
    return [block for block in blocks if not isinstance(block, skipped)]


def _block_line(block: Block, lines: list[str]) -> int:
    """1-based line of the block's `@`: bibtexparser's 0-based start_line, checked against
    the text (the `@` must be on it); otherwise the first line holding the block's head."""
    start = block.start_line
    if start is not None and 0 <= start < len(lines) and "@" in lines[start]:
        return start + 1
    head = (block.raw or "").split("\n", 1)[0].strip()
    for number, line in enumerate(lines, start=1):
        if head and head in line:
            return number
    return (start or 0) + 1


def _reason(block: Block) -> str:
    error = block.error if isinstance(block, ParsingFailedBlock) else None
    message = str(getattr(error, "abort_reason", "") or error or "")
    return " ".join(message.split())[:200] or type(error).__name__


def _to_record(
    entry: Entry, decoder: _Decoder, prov: Provenance, issues: list[Issue]
) -> BibEntry | None:
    fields: dict[str, object] = {}
    for bib_field in entry.fields:
        fields.setdefault(bib_field.key.lower(), bib_field.value)

    def decode(value: str) -> str:
        text, error = decoder.decode(value)
        if error is not None:
            issues.append(Issue("bib.latex", Level.WARNING, f"LaTeX not decoded: {error}", prov))
        return text

    missing = [name for name in ("title", "author") if not fields.get(name)]
    title = decode(str(fields.get("title", ""))) if "title" not in missing else ""
    raw_authors = fields.get("author")
    names = raw_authors if isinstance(raw_authors, list) else [str(raw_authors or "")]
    authors = [decode(str(name)) for name in names]
    complete = not any(name.lower() == "others" for name in authors)
    authors = [name for name in authors if name and name.lower() != "others"]
    if not title:
        missing = sorted({*missing, "title"})
    if not authors:
        missing = sorted({*missing, "author"})
    if not entry.key.strip():
        missing.append("citation key")
    if missing:
        what = ", ".join(missing)
        issues.append(
            Issue("bib.missing-field", Level.WARNING, f"entry {entry.key!r} has no {what}", prov)
        )
        return None

    year_text = decode(str(fields.get("year", "")))
    year = int(year_text) if _YEAR.match(year_text) else None
    if year is None:
        stated = f" (states {year_text!r})" if year_text else ""
        issues.append(
            Issue("bib.no-year", Level.WARNING, f"entry {entry.key!r} has no year{stated}", prov)
        )
    venue_field = "journal" if fields.get("journal") else "booktitle"
    venue_raw = fields.get(venue_field)
    others = {
        name: (str(value) if name in _VERBATIM_FIELDS else decode(_as_text(value)))
        for name, value in fields.items()
        if name not in {"title", "author", "year", venue_field}
    }
    return BibEntry(
        key=entry.key.strip(),
        entry_type=entry.entry_type.lower(),
        title=title,
        authors=tuple(authors),
        prov=prov,
        authors_complete=complete,
        year=year,
        venue=decode(str(venue_raw)) if venue_raw else None,
        fields=tuple(sorted(others.items())),
    )


def _as_text(value: object) -> str:
    # Name fields other than `author` (e.g. `editor`) arrive as lists from SeparateCoAuthors.
    if isinstance(value, list):
        return " and ".join(str(v) for v in value)
    return str(value)
