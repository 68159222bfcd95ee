"""Parser of the "Deep Learning Papers Reading Roadmap" (floodsung, GitHub).

What is what:

- Sections are numbered headings: `# 1 Deep Learning History and Basics`, `#2 Deep Learning
  Method` (no space after `#`: accepted because a number follows, and reported),
  `## 2.1 Model`. `Section.key` and `Section.number` are the number ("2.1"), `parent_key` the
  number without its last part when that section exists ("2"), `title` the heading text after
  the number, kept as written. An unnumbered heading closes the open section when it is not
  deeper than it (entries after it are outside any section); deeper ones are ignored.
- An entry-looking line ("candidate") starts with `**[n]**` or `[n]` (optionally indented up
  to three spaces). Following non-blank lines that are not headings, entry starts, block quotes
  or comments continue it (R-FCN's title and Deep Dream's stars sit on a second line): one
  `Entry` with `prov.line` the first and `end_line` the last line. A candidate outside any
  numbered section, or without a quoted/bold title, is a "roadmap.unparsable-entry" issue.
- `Authors. "**Title**." Venue (year). [[pdf]](url) **(note)** :star::star:`: `authors_text` is
  the text before the opening quote as written; `authors` the names split by
  `markdown.split_authors`; `title` the quoted text without bold markers, a stray quote inside
  them and one final period (each reported); `venue` the text between the title and the first
  link, note or star, without leading punctuation and one final period; `year` the last
  plausible year in the venue (else a "(2015)" in the author part, reported); `note` the bold
  parenthesised text without its parentheses; `stars` the number of `:star:`.
- Entry numbers run on through parts 1-2 and restart in every section of part 3; a number
  repeating inside one section (2.3 has "[34]" twice) is kept on both entries and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import sources
from ..records import Entry, ParseResult, Provenance, Section
from .markdown import (
    Heading,
    collapse_ws,
    excerpt,
    find_links,
    find_year,
    link_oddities,
    odd_characters,
    remove_spans,
    scan_heading,
    split_authors,
    split_lines,
    take_block,
    unparsable,
    warn,
)

KIND = sources.kind("roadmap")
LIST_ID = KIND.required_list_id
_ENTRY_START = re.compile(r"^ {0,3}(?:\*\*\s*\[([^\]\n]*)\]\s*\*\*|\[(\d+)\])")
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.?(?:\s+(.*))?$")
_OPEN_QUOTE = re.compile(r"[\"“]")
_CLOSE_AFTER_BOLD = re.compile(r"^\s*([.,]?)\s*([\"”])")
_CLOSE_PLAIN = re.compile(r"[\"”]")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_NOTE = re.compile(r"\*\*\s*\(([^*]*?)\)\s*\*\*")
_STAR = re.compile(r":star:")
_PAREN_YEAR = re.compile(r"\(\s*((?:19|20)\d{2})\s*\)")
_STRAY_QUOTES = '"“”'


@dataclass
class _State:
    source_id: str
    path: str
    result: ParseResult
    section: Section | None = None
    section_level: int = 0
    numbers: dict[str, set[str]] = field(default_factory=dict)

    def prov(self, line: int) -> Provenance:
        return Provenance(self.source_id, self.path, line)

    def warn(self, code: str, message: str, line: int) -> None:
        self.result.issues.append(warn(KIND.code(code), message, self.prov(line)))


def parse_roadmap(
    text: str, *, source_id: str = KIND.source_id, path: str = "README.md"
) -> ParseResult:
    """Parse the roadmap README into numbered sections, entries and issues."""
    st = _State(source_id, path, ParseResult(source_id=source_id))
    lines = split_lines(text)
    i = 0
    while i < len(lines):
        line, n = lines[i], i + 1
        i += 1
        heading = _heading_of(line)
        if heading is not None:
            _heading(st, heading, n)
        elif _ENTRY_START.match(line):
            block = take_block(lines, i - 1, _stops)
            i = block.end_line
            st.result.candidate_lines += 1
            _entry(st, block.text, n, block.end_line)
    return st.result


def _heading_of(line: str) -> Heading | None:
    heading = scan_heading(line)
    if heading is None or (heading.missing_space and not heading.text[:1].isdigit()):
        return None
    return heading


def _stops(line: str) -> bool:
    stripped = line.lstrip()
    return bool(
        _heading_of(line)
        or _ENTRY_START.match(line)
        or stripped.startswith((">", "<!--"))
        or re.match(r"^-{3,}\s*$", stripped)
    )


def _heading(st: _State, heading: Heading, n: int) -> None:
    m = _NUMBERED.match(heading.text)
    if m is None:
        if st.section is not None and heading.level <= st.section_level:
            st.section = None
        return
    number, title = m.group(1), (m.group(2) or "").strip()
    if heading.missing_space:
        st.warn("heading-without-space", f"no space after '#' in {heading.text!r}", n)
    if not title:
        st.warn("section-without-title", f"section {number} has no title", n)
    keys = {s.key for s in st.result.sections}
    key = number
    if key in keys:
        k = 2
        while f"{number}-{k}" in keys:
            k += 1
        key = f"{number}-{k}"
        st.warn("duplicate-section", f"section number {number} repeats; key {key!r}", n)
    parent: str | None = number.rpartition(".")[0] or None
    if parent is not None and parent not in keys:
        st.warn("orphan-section", f"section {number} has no section {parent} above it", n)
        parent = None
    st.section = Section(LIST_ID, key, title, "en", st.prov(n), parent_key=parent, number=number)
    st.section_level = heading.level
    st.result.sections.append(st.section)


@dataclass
class _Title:
    authors: str
    title: str
    tail: str
    notes: list[tuple[str, str]]


def _split_title(rest: str) -> _Title | None:
    """Authors, title and the text after the title, or None when no title can be found."""
    notes: list[tuple[str, str]] = []
    q = _OPEN_QUOTE.search(rest)
    if q is None:
        bold = _BOLD.search(rest)
        if bold is None:
            return None
        notes.append(("title-not-quoted", "title is bold but not quoted"))
        return _Title(rest[: bold.start()], bold.group(1), rest[bold.end() :], notes)
    authors, after = rest[: q.start()], rest[q.end() :]
    opener = q.group(0)
    lead = after.lstrip()
    if lead.startswith("**") and "**" in lead[2:]:
        end = lead.index("**", 2)
        title, tail = lead[2:end], lead[end + 2 :]
        close = _CLOSE_AFTER_BOLD.match(tail)
        if close:
            closer = close.group(2)
            tail = tail[close.end() :]
        else:
            closer = ""
            notes.append(("unclosed-quote", "no closing quote after the bold title"))
        if title.rstrip().endswith("."):
            notes.append(("period-in-bold-title", "the title's final period is inside the bold"))
    else:
        close_m = _CLOSE_PLAIN.search(after)
        if close_m is None:
            return None
        title, tail, closer = after[: close_m.start()], after[close_m.end() :], close_m.group(0)
        if title.lstrip().startswith("**"):
            notes.append(("unclosed-bold", "title opens ** but never closes it"))
            title = title.lstrip()[2:]
        else:
            notes.append(("title-not-bold", "title is quoted but not bold"))
    if closer and (opener, closer) in {("“", '"'), ('"', "”")}:
        notes.append(("mismatched-quotes", f"title opens with {opener} and closes with {closer}"))
    title = title.strip()
    if title[:1] in _STRAY_QUOTES or title[-1:] in _STRAY_QUOTES:
        notes.append(("stray-quote", f"stray quote inside the title: {excerpt(title, 40)!r}"))
        title = title.strip(_STRAY_QUOTES).strip()
    if title.endswith("."):
        title = title[:-1].rstrip()
    return _Title(authors, title, tail, notes)


def _entry(st: _State, raw: str, n: int, end_line: int) -> None:
    prov = st.prov(n)
    text = collapse_ws(raw)
    start = _ENTRY_START.match(text)
    section = st.section
    if section is None:
        st.result.issues.append(
            unparsable(KIND.prefix, f"entry outside any numbered section: {excerpt(text)!r}", prov)
        )
        return
    if start is None:  # take_block keeps the first line, so this cannot happen
        st.result.issues.append(
            unparsable(KIND.prefix, f"no entry number: {excerpt(text)!r}", prov)
        )
        return
    number = (start.group(1) if start.group(1) is not None else start.group(2)).strip()
    rest = text[start.end() :]
    split = _split_title(rest)
    if split is None or not split.title:
        st.result.issues.append(
            unparsable(KIND.prefix, f"no quoted or bold title: {excerpt(text)!r}", prov)
        )
        return
    notes = split.notes
    if end_line > n:
        notes.append(("multiline-entry", f"entry continues to line {end_line}"))
    if not number.isdigit():
        notes.append(("bad-number", f"entry number {number!r} is not a number"))
    if start.group(2) is not None:
        notes.append(("number-not-bold", f"entry number [{number}] is not bold"))
    seen = st.numbers.setdefault(section.key, set())
    if number in seen:
        notes.append(("duplicate-number", f"[{number}] appears twice in section {section.key}"))
    seen.add(number)

    tail = split.tail
    links = find_links(tail)
    note_ms = [
        m for m in _NOTE.finditer(tail) if not any(lk.start <= m.start() < lk.end for lk in links)
    ]
    stars = _STAR.findall(tail)
    star_ms = list(_STAR.finditer(tail))
    cut = min(
        [lk.start for lk in links]
        + [m.start() for m in note_ms]
        + [m.start() for m in star_ms]
        + [len(tail)]
    )
    venue_raw = tail[:cut].strip().lstrip(".,:; ").strip()
    if venue_raw.endswith("."):
        venue_raw = venue_raw[:-1].rstrip()
    spans = (
        [(lk.start, lk.end) for lk in links]
        + [m.span() for m in note_ms]
        + [m.span() for m in star_ms]
    )
    leftover = remove_spans(tail, [(0, cut), *spans]).replace(" ", "")
    if leftover and set(leftover) <= {")"}:
        notes.append(("stray-paren", f"stray {leftover!r} after the link"))
    elif leftover:
        notes.append(
            ("unexpected-text", f"unexpected text after the title: {excerpt(leftover, 40)!r}")
        )

    authors_text = split.authors.strip()
    year = find_year(venue_raw)
    if year is None:
        m_year = _PAREN_YEAR.search(authors_text)
        if m_year:
            year = int(m_year.group(1))
            notes.append(("year-in-authors", f"year ({year}) written after the authors"))
    names_text = _PAREN_YEAR.sub("", authors_text)
    if year is None:
        notes.append(("no-year", "entry has no year"))
    venue = venue_raw if _PAREN_YEAR.sub("", venue_raw).strip(" .,:;") else None
    if venue is None:
        notes.append(("no-venue", "entry has no venue"))
    if not links:
        notes.append(("no-link", "entry has no link"))
    for link in links:
        notes.extend(link_oddities(link))
    if not stars:
        notes.append(("no-stars", "entry has no :star: rating"))
    elif len(stars) > 5:
        notes.append(("too-many-stars", f"{len(stars)} stars (the scale is 1-5)"))
    if len(note_ms) > 1:
        notes.append(("multiple-notes", f"{len(note_ms)} bold notes; joined with '; '"))
    for char in odd_characters(text):
        notes.append(("odd-character", f"invisible or replacement character {char}"))
    authors = split_authors(names_text)
    if not authors.names:
        notes.append(("no-authors", "entry has no authors"))
    notes.extend(authors.oddities)
    for code, detail in notes:
        st.warn(code, detail, n)
    st.result.entries.append(
        Entry(
            list_id=LIST_ID,
            section_key=section.key,
            position=len(st.result.entries) + 1,
            title=split.title,
            title_lang="en",
            prov=prov,
            number=number or None,
            year=year,
            authors_text=authors_text or None,
            authors=authors.names,
            authors_complete=authors.complete,
            venue=venue,
            links=tuple(lk.to_link() for lk in links),
            stars=len(stars) or None,
            note="; ".join(m.group(1).strip() for m in note_ms) or None,
            end_line=end_line if end_line > n else None,
        )
    )
