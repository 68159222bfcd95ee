"""The Chinese blog on roadmap sections 2.1-2.3 -> sections and commented entries.

Shape of the document: a title, an introduction and an image, then bold headings
("**1.深度学习模型**") mapped to roadmap sections through `zh_sections`. In a section, each
entry is one or more commentary paragraphs quoting the English title in 《…》, closed by a
reference line `[n] [url](url)`.

Counting rule: the *candidates* are every reference line `[n] …` and every group of
paragraphs inside a section that no reference line closes (before the next heading or the
end). Each candidate yields one `Entry` or one issue whose code is in `DROPPED_CODES`:
a reference line with no paragraph before it, a group without a 《title》, an entry under an
unknown heading. A paragraph group with a 《title》 but no reference line is kept (no number,
no link) with a `zh-blog.no-reference` note. Text before the first heading is introduction;
a document without any known heading gets one `zh-blog.no-sections` note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import sources
from ..records import Entry, Issue, Level, Link, ParseResult, Provenance, Section
from .zh_awesome import LINK, strip_markdown_links
from .zh_sections import ZH_BLOG_PARENT_KEY, zh_blog_section_key

KIND = sources.kind("zh-roadmap-blog")
LIST_ID = KIND.required_list_id
LANG = KIND.language
DROPPED_CODES: frozenset[str] = frozenset(
    {
        "zh-blog.reference-without-paragraph",
        "zh-blog.no-title",
        "zh-blog.entry-in-unknown-section",
    }
)

_BOLD_HEADING = re.compile(r"^\s*\*\*(?P<text>[^*]+)\*\*\s*$")
_ATX_HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_NUMBERED = re.compile(r"^\s*(?P<number>\d+)\s*[.．、]\s*(?P<name>.+)$")
_REFERENCE = re.compile(r"^\s*\[(?P<n>\d+)\](?!\()\s*(?P<rest>.*)$")
_BARE_URL = re.compile(r"https?://\S+")
_QUOTED_TITLE = re.compile(r"《(.+?)》")
_IMAGE = re.compile(r"^\s*!\[")
_RECOMMENDATION = re.compile(r"[一二三四五1-5]星推荐|强烈推荐|墙裂推荐|力荐")
_ASCII_WORD_END = re.compile(r"[A-Za-z0-9]$")
_ASCII_WORD_START = re.compile(r"^[A-Za-z0-9]")


@dataclass
class _Paragraphs:
    """Commentary paragraphs waiting for their reference line."""

    paragraphs: list[list[str]] = field(default_factory=list)
    first_line: int = 0

    def add(self, number: int, line: str, new_paragraph: bool) -> None:
        if not self.paragraphs:
            self.first_line = number
        if new_paragraph or not self.paragraphs:
            self.paragraphs.append([])
        self.paragraphs[-1].append(line)


@dataclass
class _Parser:
    source_id: str
    path: str
    result: ParseResult
    section_key: str | None = None
    pending: _Paragraphs = field(default_factory=_Paragraphs)

    def where(self, line: int) -> Provenance:
        return Provenance(self.source_id, self.path, line)

    def warn(self, code: str, message: str, line: int) -> None:
        self.result.issues.append(Issue(code, Level.WARNING, message, self.where(line)))

    def open_section(self, heading: str, line: int) -> None:
        numbered = _NUMBERED.match(heading)
        name = numbered.group("name").strip() if numbered else heading
        self.section_key = zh_blog_section_key(name)
        if self.section_key is None:
            self.warn(
                "zh-blog.unknown-heading",
                f"heading {heading!r} is not in the zh-blog section table",
                line,
            )
        elif all(s.key != self.section_key for s in self.result.sections):
            self.result.sections.append(
                Section(
                    LIST_ID,
                    self.section_key,
                    name,
                    LANG,
                    self.where(line),
                    parent_key=ZH_BLOG_PARENT_KEY,
                )
            )

    def close(self, reference: re.Match[str] | None, line: int) -> None:
        """Turn the pending paragraphs and the reference line (if any) into one record."""
        pending, self.pending = self.pending, _Paragraphs()
        if reference is None and not pending.paragraphs:
            return
        self.result.candidate_lines += 1
        if not pending.paragraphs:
            n = reference.group("n") if reference else "?"
            self.warn(
                "zh-blog.reference-without-paragraph", f"[{n}] has no paragraph before it", line
            )
            return
        first = pending.first_line
        if self.section_key is None:
            self.warn(
                "zh-blog.entry-in-unknown-section",
                "entry under a heading missing from the section table",
                first,
            )
            return
        commentary = "\n\n".join(_join_lines(p) for p in pending.paragraphs)
        commentary = strip_markdown_links(commentary).strip()
        title_match = _QUOTED_TITLE.search(commentary)
        title = " ".join(title_match.group(1).split()) if title_match else ""
        if not title:
            self.warn(
                "zh-blog.no-title", f"paragraph quotes no 《title》: {commentary[:40]!r}", first
            )
            return
        links: tuple[Link, ...] = ()
        if reference is None:
            self.warn("zh-blog.no-reference", f"entry {title!r} has no [n] reference line", first)
        else:
            links = _reference_links(reference.group("rest"))
            if not links:
                self.warn("zh-blog.no-link", f"[{reference.group('n')}] has no URL", line)
        recommendation = _RECOMMENDATION.search(commentary)
        self.result.entries.append(
            Entry(
                list_id=LIST_ID,
                section_key=self.section_key,
                position=len(self.result.entries) + 1,
                title=title,
                title_lang="en",
                prov=self.where(first),
                number=reference.group("n") if reference else None,
                links=links,
                commentary=commentary,
                recommendation=recommendation.group(0) if recommendation else None,
                end_line=line if reference else None,
            )
        )


def parse_zh_blog(
    text: str, *, source_id: str = KIND.source_id, path: str = "zh-roadmap-blog-part2.md"
) -> ParseResult:
    """Parse the Chinese roadmap blog into sections and entries; never raises on any text."""
    parser = _Parser(source_id, path, ParseResult(source_id=source_id))
    in_sections = False  # past the introduction
    new_paragraph = True
    lines = text.split("\n")
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r")
        heading = _heading_text(line)
        if heading is not None:
            parser.close(None, number)
            if in_sections or heading[1]:
                in_sections = True
                parser.open_section(heading[0], number)
            new_paragraph = True
        elif not in_sections:
            continue
        elif reference := _REFERENCE.match(line):
            parser.close(reference, number)
            new_paragraph = True
        elif not line.strip():
            new_paragraph = True
        elif not _IMAGE.match(line):
            parser.pending.add(number, line, new_paragraph)
            new_paragraph = False
    parser.close(None, len(lines))
    if not parser.result.sections and text.strip():
        parser.warn("zh-blog.no-sections", "no known section heading: nothing read as entries", 1)
    return parser.result


def _heading_text(line: str) -> tuple[str, bool] | None:
    """(heading text, whether it opens a section) for a bold or ATX heading line, else None.

    A level-1 `#` heading is the document's title, not a section."""
    bold = _BOLD_HEADING.match(line)
    if bold:
        return bold.group("text").strip(), True
    atx = _ATX_HEADING.match(line)
    if atx:
        return atx.group("text").strip(), len(atx.group("level")) > 1
    return None


def _join_lines(lines: list[str]) -> str:
    """One paragraph's lines as one string. Chinese wraps join directly; a wrapped line that
    began with a space, or an English word cut between lines, keeps one space."""
    text = ""
    for line in lines:
        piece = line.strip()
        if not piece:
            continue
        spaced = line[:1].isspace() or (
            _ASCII_WORD_END.search(text) is not None and _ASCII_WORD_START.match(piece) is not None
        )
        text = f"{text} {piece}" if text and spaced else text + piece
    return text


def _reference_links(rest: str) -> tuple[Link, ...]:
    """URLs of a reference line: markdown link targets, else bare URLs."""
    urls = [m.group("url") for m in LINK.finditer(rest)] or _BARE_URL.findall(rest)
    return tuple(Link(url, "url") for url in dict.fromkeys(urls))
