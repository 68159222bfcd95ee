"""The Chinese translation of the awesome list (abridged) -> sections and entries.

Entry forms: `- **中文标题**（2015），G. Hinton等人 [[pdf]](url)` in the top-100 part and
`- 《中文标题》 (2017), Y. Wang 等人 [[pdf]](url)` later; full-width and ASCII punctuation mix.
`###` headings map to the English list's section keys through `zh_sections` (never guessed).

Counting rule: a *candidate line* is a bullet line (`-`, `*` or `+` and a space) under a
`###` heading, until the next `#`/`##` heading. Bullets of the introduction, criteria and
Contents sit under `#`/`##` headings and are not entries. Every candidate line yields one
`Entry` or one issue whose code is in `DROPPED_CODES`; other issues are notes (an entry kept
without year or link, an unknown heading, sections the abridged translation lacks). Lines that
directly follow a bullet without a blank line continue it, so an entry cut off by the end of
the document is still parsed from whatever it has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import sources
from ..records import Entry, Issue, Level, Link, ParseResult, Provenance, Section
from .zh_sections import AWESOME_KEYS, AWESOME_TOP100_KEYS, zh_awesome_section_key

# A Contents bullet: "* [视频讲座 / 教程 / 博客](#video-lectures--tutorials--blogs)".
_CONTENTS_ITEM = re.compile(r"^\s*[*+-]\s+\[([^\]]+)\]\(#[^)\s]*\)")
KIND = sources.kind("zh-awesome-list")
LIST_ID = KIND.required_list_id
LANG = KIND.language
DROPPED_CODES: frozenset[str] = frozenset(
    {"zh-awesome.no-title", "zh-awesome.entry-in-unknown-section"}
)

_URL_BODY = r"(?:[^()\s]|\([^()\s]*\))+"  # one level of parentheses inside URLs: "(2009).pdf"
LINK = re.compile(r"\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]\((?P<url>" + _URL_BODY + r")\)")
_TRUNCATED_LINK = re.compile(r"\[\[?(?P<text>[^\[\]]*)\]?\]\((?P<url>[^()\s]*)\s*$")
_BARE_URL = re.compile(r"https?://[^\s<>()（）\[\]]+")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
_BOLD_TITLE = re.compile(r"\*\*(.+?)\*\*")
_QUOTED_TITLE = re.compile(r"《(.+?)》")
_YEAR_FIRST = re.compile(r"^\s*[（(]\s*(\d{4})\s*[)）]")
_YEAR_ANY = re.compile(r"[（(]\s*(\d{4})\s*[)）]")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_EDGE_PUNCT = " \t,，、:：;；.。"
_ET_AL = re.compile(r"\s*(?:等人|等|et\s+al\.?)\s*$")
_AUTHOR_SEPARATOR = re.compile(r"\s*(?:和|与|及|、|,|，|;|；|&|\band\b)\s*")


def link_kind(text: str) -> str:
    """`[[pdf]]` -> "pdf"; any other link text -> "url"."""
    inner = text.strip()
    if inner.startswith("[") and inner.endswith("]"):
        return inner.strip("[] ").lower() or "url"
    return "url"


def strip_markdown_links(text: str) -> str:
    """Markdown links (and images) reduced to their text: `[Pixel](u) x` -> `Pixel x`."""
    return LINK.sub(lambda m: m.group("text"), text).replace("![", "[")


def has_cjk(text: str) -> bool:
    """True when the text holds a Chinese character (punctuation alone does not count)."""
    return _CJK.search(text) is not None


def split_authors(text: str) -> tuple[tuple[str, ...], bool]:
    """Names in order and whether the list is complete: "S. Loffe和C. Szegedy" ->
    (("S. Loffe", "C. Szegedy"), True); "G. Hinton等人" -> (("G. Hinton",), False)."""
    complete = _ET_AL.search(text) is None
    names = _AUTHOR_SEPARATOR.split(_ET_AL.sub("", text))
    return tuple(n.strip(_EDGE_PUNCT) for n in names if n.strip(_EDGE_PUNCT)), complete


@dataclass
class _Item:
    line: int
    text: str
    end_line: int


@dataclass
class _Parsed:
    title: str | None
    year: int | None = None
    authors_text: str | None = None
    links: list[Link] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (code, message)


def parse_zh_awesome(
    text: str, *, source_id: str = KIND.source_id, path: str = "zh-awesome-most-cited.md"
) -> ParseResult:
    """Parse the Chinese awesome list into sections and entries; never raises on any text."""
    result = ParseResult(source_id=source_id)
    in_papers = False
    section_key: str | None = None
    subsection: str | None = None
    pending: _Item | None = None
    seen_keys: set[str] = set()
    contents: dict[str, tuple[str, int]] = {}  # section key -> (Contents label, line)
    last_line = 0

    def where(line: int) -> Provenance:
        return Provenance(source_id, path, line)

    def flush() -> None:
        nonlocal pending
        if pending is not None:
            _emit(pending, section_key, subsection, result, path)
            pending = None

    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        last_line = number if line.strip() else last_line
        heading = _HEADING.match(line)
        if heading:
            flush()
            level, title = len(heading.group(1)), heading.group(2).strip()
            if level <= 2:
                in_papers, section_key, subsection = False, None, None
            elif level == 3:
                in_papers, subsection = True, None
                section_key = zh_awesome_section_key(title)
                if section_key is None:
                    result.issues.append(
                        Issue(
                            "zh-awesome.unknown-heading",
                            Level.WARNING,
                            f"heading {title!r} is not in the zh-awesome section table",
                            where(number),
                        )
                    )
                elif section_key not in seen_keys:
                    seen_keys.add(section_key)
                    result.sections.append(_section(section_key, title, where(number)))
            elif in_papers:
                subsection = title
            continue
        if not line.strip() or _RULE.match(line):
            flush()
            continue
        listed = _CONTENTS_ITEM.match(line)
        if listed and not in_papers:
            key = zh_awesome_section_key(listed.group(1))
            if key is not None:
                contents.setdefault(key, (listed.group(1).strip(), number))
        bullet = _BULLET.match(line)
        if bullet and in_papers:
            flush()
            result.candidate_lines += 1
            pending = _Item(number, bullet.group(1), number)
        elif pending is not None:  # a wrapped entry continues on the next line
            pending.text = f"{pending.text} {line.strip()}"
            pending.end_line = number
    flush()

    missing = [key for key in AWESOME_KEYS if key not in seen_keys]
    # The abridged translation stops early, but its Contents still name the sections it never
    # reached: those names label the English sections (the warning below still reports them).
    for key in missing:
        if key in contents:
            label, line_number = contents[key]
            result.sections.append(_section(key, label, where(line_number)))
    if missing and text.strip():
        result.issues.append(
            Issue(
                "zh-awesome.missing-sections",
                Level.WARNING,
                "the translation has no section for: " + ", ".join(missing),
                where(last_line or 1),
            )
        )
    return result


def _section(key: str, title: str, prov: Provenance) -> Section:
    return Section(LIST_ID, key, title, LANG, prov, top100=key in AWESOME_TOP100_KEYS)


def _emit(
    item: _Item,
    section_key: str | None,
    subsection: str | None,
    result: ParseResult,
    path: str,
) -> None:
    prov = Provenance(result.source_id, path, item.line)
    if section_key is None:
        result.issues.append(
            Issue(
                "zh-awesome.entry-in-unknown-section",
                Level.WARNING,
                f"entry under a heading missing from the section table: {item.text[:60]!r}",
                prov,
            )
        )
        return
    parsed = parse_item(item.text)
    if parsed.title is None:
        result.issues.append(
            Issue(
                "zh-awesome.no-title",
                Level.WARNING,
                f"bullet has no **title** or 《title》: {item.text[:60]!r}",
                prov,
            )
        )
        return
    authors, complete = split_authors(parsed.authors_text or "")
    english = not has_cjk(parsed.title)
    result.entries.append(
        Entry(
            list_id=LIST_ID,
            section_key=section_key,
            position=len(result.entries) + 1,
            title=parsed.title,
            title_lang="en" if english else LANG,
            prov=prov,
            original_title=parsed.title if english else None,
            year=parsed.year,
            authors_text=parsed.authors_text,
            authors=authors,
            authors_complete=complete,
            links=tuple(parsed.links),
            subsection=subsection,
            end_line=item.end_line if item.end_line != item.line else None,
        )
    )
    for code, message in parsed.notes:
        result.issues.append(Issue(code, Level.WARNING, message, prov))


def parse_item(text: str) -> _Parsed:
    """Title, year, authors and links of one bullet's text (without the bullet marker)."""
    links: list[Link] = []
    notes: list[tuple[str, str]] = []

    def take_link(match: re.Match[str]) -> str:
        kind = link_kind(match.group("text"))
        links.append(Link(match.group("url"), kind))
        # `[[pdf]](u)` is a label only; `[words](u)` keeps its words in the text
        return " " if kind != "url" or not match.group("text").strip() else match.group("text")

    rest = LINK.sub(take_link, text)
    cut = _TRUNCATED_LINK.search(rest)
    if cut:
        # A cut-off address is not a usable link: keep the entry, report the fragment.
        notes.append(("zh-awesome.truncated-link", f"link cut off, not kept: {cut.group(0)!r}"))
        rest = rest[: cut.start()]
    for url in _BARE_URL.findall(rest):
        links.append(Link(url, "url"))
    rest = _BARE_URL.sub(" ", rest)

    title, after = _find_title(rest, notes)
    if title is None:
        return _Parsed(None)
    year_match = _YEAR_FIRST.search(after) or _YEAR_ANY.search(after)
    year = int(year_match.group(1)) if year_match else None
    if year_match:
        after = after[: year_match.start()] + " " + after[year_match.end() :]
    authors_text = " ".join(after.split()).strip(_EDGE_PUNCT) or None
    if year is None:
        notes.append(("zh-awesome.no-year", f"entry {title!r} has no (year)"))
    if not links:
        notes.append(("zh-awesome.no-link", f"entry {title!r} has no link"))
    return _Parsed(title, year, authors_text, links, notes)


def _find_title(text: str, notes: list[tuple[str, str]]) -> tuple[str | None, str]:
    """The first **bold** or 《quoted》 title and the text after it."""
    found = [m for m in (_BOLD_TITLE.search(text), _QUOTED_TITLE.search(text)) if m]
    if found:
        match = min(found, key=lambda m: m.start())
        title = " ".join(match.group(1).split())
        if title:
            return title, text[match.end() :]
    for opener in ("《", "**"):  # cut off before its closing mark, e.g. at the end of the file
        start = text.find(opener)
        if start >= 0 and text[start + len(opener) :].strip():
            title = " ".join(text[start + len(opener) :].split())
            notes.append(("zh-awesome.unclosed-title", f"title not closed: {title!r}"))
            return title, ""
    return None, text
