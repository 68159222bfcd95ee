"""Parser of "Awesome - Most Cited Deep Learning Papers" (terryum/awesome-deep-learning-papers).

What is what:

- Sections are the `###` headings; a `#` or `##` heading ends the paper part it is in, so the
  "Contents" bullets, the citation criteria and other prose under `##` headings are never
  entries. `Section.key` is `iris.section_slug(heading)`. `top100` comes from the Contents
  list: headings linked before its `*(More than Top 100)*` line are top-100 sections, those
  after are not; a section the Contents does not link gets None and a warning.
- A line `*(2016)*` inside a section is a sub-heading: a child `Section` "<parent>/<slug>" and
  the `Entry.subsection` ("2016", "~2014", "Lectures") of the entries under it.
- An entry-looking line ("candidate") is a `-`, `*` or `+` bullet inside a section (not a
  thematic break, not inside an HTML comment). Following non-blank lines that are not bullets,
  headings, sub-headings or comments continue it. Every candidate becomes an `Entry` or an
  "awesome.unparsable-entry" issue (empty bullet, or no title left).
- Entry: `**Title** (year), authors [[pdf]](url)` in the top-100 part, `Title (year), authors
  [[pdf]](url)` elsewhere; the title is the bold text, else the text before the first
  parenthesis holding a year. Without a year, a trailing ", A. Name et al." (capitalised words
  with an initial or "et al.") or ". X and Y." is split off as authors; otherwise the whole
  text is the title and the entry has no authors ("awesome.no-year-no-authors"): lectures,
  tutorials and blogs ("CS231n, ..., Stanford University") keep their commas in the title.
- `year` is the year of that parenthesis, also from "(Book, Jan 2017)" or an unclosed
  "(2014, C. Dong" (both reported). `authors_text` is the author list as written (whitespace
  trimmed; a comma before the link is dropped and reported); `authors` its names
  (`markdown.split_authors`); `links` keep their order, kinds lower-cased ("[[Web]]" -> "web").
- `<!---[Key researchers] [Name](url), ... -->` comments give `KeyResearcher`s of the section of
  the preceding `###` heading.
- Oddities are parsed as well as possible and reported as warnings with distinct codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import sources
from ..normalize.identifiers import section_slug
from ..records import Entry, KeyResearcher, ParseResult, Provenance, Section
from .markdown import (
    collapse_ws,
    excerpt,
    find_links,
    find_named_links,
    find_year,
    github_anchor,
    is_rule,
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

KIND = sources.kind("awesome-list")
LIST_ID = KIND.required_list_id
_BULLET = re.compile(r"^ {0,3}[-*+](?:[ \t]+|$)")
_SUBHEADING = re.compile(r"^\s*([*_])\(\s*(.*?)\s*\)\1\s*$")
_CONTENTS_ITEM = re.compile(r"^\s*[-*+]\s+\[[^\]]*\]\(#([^)\s]*)\)")
_MORE_MARKER = re.compile(r"more\s+than\s+top\s*100", re.IGNORECASE)
_PAREN_GROUP = re.compile(r"\(([^()]*)\)")
_OPEN_YEAR = re.compile(r"\(\s*((?:19|20)\d{2})\b")
_BOLD = re.compile(r"^\*\*(.+?)\*\*")
_AUTHORISH = re.compile(r"\b[A-Z]\.|\bet\.?\s*al\b")
_AND_WORD = re.compile(r"\band\b")
_LIST_WORDS = {"and", "et", "al", "al.", "et.", "etal", "etal.", "van", "von", "de", "der", "den"}
_MAX_AUTHORS = 400
_EXACT_YEAR = re.compile(r"\s*(?:19|20)\d{2}\s*")


@dataclass
class _State:
    prov_source: str
    path: str
    result: ParseResult
    contents: dict[str, tuple[bool, int]] = field(default_factory=dict)
    section: Section | None = None
    child: Section | None = None
    keys: set[str] = field(default_factory=set)

    def prov(self, line: int) -> Provenance:
        return Provenance(self.prov_source, self.path, line)

    def warn(self, code: str, message: str, line: int) -> None:
        self.result.issues.append(warn(KIND.code(code), message, self.prov(line)))

    def unique_key(self, key: str, line: int) -> str:
        if not key.strip("/") or key.endswith("/"):
            key = f"{key}section-{line}"
            self.warn("empty-section-key", f"heading gives an empty key; using {key!r}", line)
        if key in self.keys:
            n = 2
            while f"{key}-{n}" in self.keys:
                n += 1
            self.warn("duplicate-section-key", f"section key {key!r} repeats; using -{n}", line)
            key = f"{key}-{n}"
        self.keys.add(key)
        return key


def parse_awesome(
    text: str, *, source_id: str = KIND.source_id, path: str = "README.md"
) -> ParseResult:
    """Parse the awesome list's README into sections, entries, key researchers and issues."""
    st = _State(source_id, path, ParseResult(source_id=source_id))
    lines = split_lines(text)
    in_contents = False
    more = False
    i = 0
    while i < len(lines):
        line, n = lines[i], i + 1
        i += 1
        if line.lstrip().startswith("<!--"):
            i = _comment(st, lines, i - 1)
            continue
        heading = scan_heading(line)
        if heading is not None and not heading.missing_space:
            in_contents = heading.level <= 2 and heading.text.strip().lower() == "contents"
            _heading(st, heading.level, heading.text, n)
            continue
        if in_contents:
            m = _CONTENTS_ITEM.match(line)
            if m:
                st.contents.setdefault(m.group(1).lower(), (not more, n))
            elif _MORE_MARKER.search(line):
                more = True
            continue
        if st.section is None:
            continue
        sub = _SUBHEADING.match(line)
        if sub:
            _subheading(st, sub.group(2), n)
        elif _BULLET.match(line) and not is_rule(line):
            block = take_block(lines, i - 1, _stops)
            i = block.end_line
            st.result.candidate_lines += 1
            _entry(st, st.child or st.section, block.text, n, block.end_line)
    _check_contents(st)
    return st.result


def _stops(line: str) -> bool:
    return bool(
        _BULLET.match(line)
        or scan_heading(line)
        or _SUBHEADING.match(line)
        or line.lstrip().startswith("<!--")
        or is_rule(line)
    )


def _heading(st: _State, level: int, text: str, n: int) -> None:
    st.child = None
    if level <= 2:
        st.section = None
        return
    if level >= 4 and st.section is not None:
        _subheading(st, text, n)
        return
    top100: bool | None = None
    anchor = github_anchor(text)
    if anchor in st.contents:
        top100 = st.contents[anchor][0]
    elif st.contents:
        st.warn("section-not-in-contents", f"section {text!r} is not linked from Contents", n)
    key = st.unique_key(section_slug(text), n)
    st.section = Section(LIST_ID, key, text, "en", st.prov(n), top100=top100)
    st.result.sections.append(st.section)


def _subheading(st: _State, label: str, n: int) -> None:
    parent = st.section
    if parent is None:
        return
    key = st.unique_key(f"{parent.key}/{section_slug(label)}", n)
    st.child = Section(
        LIST_ID, key, label, "en", st.prov(n), parent_key=parent.key, top100=parent.top100
    )
    st.result.sections.append(st.child)


def _check_contents(st: _State) -> None:
    seen = {github_anchor(s.title) for s in st.result.sections if s.parent_key is None}
    for anchor, (_, line) in st.contents.items():
        if anchor not in seen:
            st.warn("contents-without-section", f"Contents links #{anchor}: no such heading", line)
    if not st.contents and st.result.sections:
        st.warn("no-contents", "no Contents list: top100 of every section is unknown", 1)


def _comment(st: _State, lines: list[str], start: int) -> int:
    """Consume the HTML comment starting at lines[start]; returns the index after it."""
    end = start
    while "-->" not in lines[end] and end + 1 < len(lines):
        end += 1
    if "-->" not in lines[end]:
        st.warn("unclosed-comment", "HTML comment is never closed", start + 1)
    body = "\n".join(lines[start : end + 1])
    if "key researchers" in body.lower():
        _key_researchers(st, body, start + 1)
    return end + 1


def _key_researchers(st: _State, body: str, first_line: int) -> None:
    links = [m for m in find_named_links(body) if m.kind != "key researchers"]
    if st.section is None:
        if links:
            st.warn(
                "key-researchers-outside-section", "key researchers before any section", first_line
            )
        return
    for m in links:
        n = first_line + body.count("\n", 0, m.start)
        name = collapse_ws(m.label or "")
        if not name:
            st.warn("key-researcher-without-name", f"link {m.url!r} has an empty name", n)
            continue
        if not m.url:
            st.warn("key-researcher-without-link", f"[{name}] has no (url)", n)
        else:
            for code, detail in link_oddities(m):
                st.warn(code, detail, n)
        st.result.key_researchers.append(
            KeyResearcher(LIST_ID, st.section.key, name, m.url or None, st.prov(n))
        )


@dataclass
class _Parsed:
    title: str = ""
    year: int | None = None
    authors_text: str | None = None
    venue: str | None = None  # the annotation of "(Book, 2016)": the list's only venue text
    notes: list[tuple[str, str]] = field(default_factory=list)


def _entry(st: _State, section: Section, raw: str, n: int, end_line: int) -> None:
    prov = st.prov(n)
    body = collapse_ws(_BULLET.sub("", raw, count=1))
    links = find_links(body)
    head = body[: links[0].start] if links else body
    parsed = _head(head.strip(), bold_expected=bool(section.top100))
    if not parsed.title:
        message = f"entry-looking line without a title: {excerpt(raw)!r}"
        st.result.issues.append(unparsable(KIND.prefix, message, prov))
        return
    notes = parsed.notes
    if end_line > n:
        notes.append(("multiline-entry", f"entry continues to line {end_line}"))
    if not links:
        notes.append(("no-link", "entry has no link"))
    for link in links:
        notes.extend(link_oddities(link))
    if links:
        stripped = remove_spans(body, [(m.start, m.end) for m in links])
        leftover = stripped[len(head) :].replace(" ", "")
        if leftover and set(leftover) <= {")"}:
            notes.append(("stray-paren", f"stray {leftover!r} after the link"))
        elif leftover and set(leftover) <= set(".,:;"):
            notes.append(("trailing-punctuation", f"{leftover!r} after the link"))
        elif leftover:
            notes.append(("text-after-links", f"text around the links: {leftover!r}"))
    for char in odd_characters(body):
        notes.append(("odd-character", f"invisible or replacement character {char}"))
    authors = split_authors(parsed.authors_text or "")
    notes.extend(authors.oddities)
    for code, detail in notes:
        st.warn(code, detail, n)
    entry = Entry(
        list_id=LIST_ID,
        section_key=section.key,
        position=len(st.result.entries) + 1,
        title=parsed.title,
        title_lang="en",
        prov=prov,
        year=parsed.year,
        venue=parsed.venue,
        authors_text=parsed.authors_text,
        authors=authors.names,
        authors_complete=authors.complete,
        links=tuple(m.to_link() for m in links),
        subsection=st.child.title if st.child else None,
        end_line=end_line if end_line > n else None,
    )
    st.result.entries.append(entry)


def _head(head: str, *, bold_expected: bool) -> _Parsed:
    """Title, year and authors from the text before the first link."""
    p = _Parsed()
    if head.endswith(","):
        p.notes.append(("trailing-comma", "comma before the link"))
        head = head.rstrip(", ")
    bold = _BOLD.match(head)
    if bold:
        p.title = bold.group(1).strip()
        rest = head[bold.end() :]
    else:
        if head.startswith("**"):
            p.notes.append(("unclosed-bold", "title opens ** but never closes it"))
            head = head[2:]
        elif bold_expected:
            p.notes.append(("title-not-bold", "top-100 entry without a bold title"))
        rest = head
    before, after = _year(p, rest)
    after = after.lstrip() if after is not None else None
    if bold and after is not None:
        if before.strip():
            p.notes.append(("text-before-year", f"{before.strip()!r} between title and year"))
    elif p.year is not None or after is not None:
        p.title = before.strip()
    if after is None:  # no year at all
        if bold:
            p.notes.append(("no-year", "entry has no year"))
            _set_authors(p, rest.strip().lstrip(",").strip())
        else:
            _split_without_year(p, rest.strip())
        return p
    if after.startswith(":") and not bold:
        # "Models(2017): A Tutorial, G. Neubig." - the year sits inside the title.
        tail, _, authors = after.partition(", ")
        p.title = f"{p.title}{tail.rstrip()}"
        p.notes.append(("year-inside-title", "the year sits inside the title"))
        _set_authors(p, authors.strip())
    elif after.startswith(","):
        _set_authors(p, after[1:].strip())
    else:
        if after.strip():
            p.notes.append(("no-comma-after-year", "no comma between year and authors"))
        _set_authors(p, after.strip())
    return p


def _year(p: _Parsed, text: str) -> tuple[str, str | None]:
    """Find the "(year)" group: returns (text before it, text after it or None without year)."""
    for m in _PAREN_GROUP.finditer(text):
        year = find_year(m.group(1))
        if year is not None:
            p.year = year
            if not _EXACT_YEAR.fullmatch(m.group(1)):
                p.notes.append(("year-annotated", f"year written as ({m.group(1)})"))
                p.venue = m.group(1).strip()
            return text[: m.start()], text[m.end() :]
    m_open = _OPEN_YEAR.search(text)
    if m_open:
        p.year = int(m_open.group(1))
        p.notes.append(("unclosed-paren", f"'({m_open.group(1)}' has no closing parenthesis"))
        return text[: m_open.start()], text[m_open.end() :].lstrip()
    return text, None


def _set_authors(p: _Parsed, authors: str) -> None:
    if authors:
        p.authors_text = authors
    else:
        p.notes.append(("no-authors", "entry has no authors"))


def _split_without_year(p: _Parsed, text: str) -> None:
    """No year: split "Title, A. Name et al." or "Title. X and Y." where the tail looks like
    authors; otherwise the whole text is the title and the entry has no authors."""
    for sep, code in ((", ", None), (". ", "authors-after-period")):
        # Author lists are short: only look for the split in the last _MAX_AUTHORS characters.
        pos = text.find(sep, max(0, len(text) - _MAX_AUTHORS))
        while pos != -1:
            tail = text[pos + len(sep) :].strip()
            if tail and _looks_like_authors(tail, allow_and=code is not None):
                p.title = text[:pos].strip()
                p.notes.append(("no-year", "entry has no year"))
                if code:
                    p.notes.append((code, "authors follow the title after a period"))
                p.authors_text = tail
                return
            pos = text.find(sep, pos + 1)
    p.title = text
    p.notes.append(("no-year-no-authors", "no year and no authors: the whole text is the title"))


def _looks_like_authors(tail: str, *, allow_and: bool) -> bool:
    """Capitalised words with an initial or "et al." (or "and" after a period: "Chen and
    Manning."); "Show, Attend and Tell" after a comma stays in the title."""
    words = tail.replace(",", " ").split()
    if any(w[:1].islower() and w.lower() not in _LIST_WORDS for w in words):
        return False
    evidence = _AUTHORISH.search(tail) or (allow_and and _AND_WORD.search(tail))
    return bool(evidence) and len(words) <= 40
