"""Shared helpers of the markdown list parsers: headings, links, entry blocks, authors, years.

Pure functions over strings that never raise, whatever the input (the parsers' Hypothesis
properties rely on that). Nothing here knows which list it is reading; the parsers decide what
an oddity means and turn the `oddities` returned here into `Issue`s with their own code prefix
("awesome.", "roadmap.").

Conventions shared by the parsers:

- An entry-looking line that cannot be parsed becomes an `Issue` whose code ends in
  `UNPARSABLE_ENTRY`; `entry_issues()` selects them, so that
  `len(result.entries) + len(entry_issues(result)) == result.candidate_lines`.
- Runs of whitespace inside a field collapse to one space (a documented normalisation, not an
  oddity); everything else is kept as written or reported.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..records import Issue, Level, Link, ParseResult, Provenance

UNPARSABLE_ENTRY = "unparsable-entry"

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_HEADING = re.compile(r"^ {0,3}(#{1,6})([ \t]*)(.*?)(?:[ \t]+#+)?[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LABEL_LINK = re.compile(r"\[\[([^\[\]\n]*)\]\]([ \t]*)\(")
_NAMED_LINK = re.compile(r"(?<!\[)\[([^\[\]\n]+)\](?!\])([ \t]*)(\(?)")
_BARE_URL = re.compile(r"https?://[^\s<>\[\]()\"“”]+")
_YEAR = re.compile(r"(?<![\d.:/\-])((?:19|20)\d{2})(?![\d\-]|\.\d)")
_ET_AL = re.compile(
    r"(?:^|[\s,;])(et\.?\s*al\b\.?|and\s+others\b)[\s,.;]*$",
    re.IGNORECASE,
)
_AND = re.compile(r"(?:,\s*|\s+)(?:and|&)\s+|^(?:and|&)\s+")
_PAREN = re.compile(r"\s*\(([^()]*)\)")
_INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.?[ -]?)*[A-Z]\.$|^[A-Z]$")
_BAD_COMMA = re.compile(r"\s,|,(?=[^\s,])")


def split_lines(text: str) -> list[str]:
    """Lines of `text` for any line-ending style; index i holds line i + 1."""
    return _LINE_BREAK.split(text)


def collapse_ws(text: str) -> str:
    """Trim and turn every run of whitespace (tabs, joined line breaks) into one space."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Heading:
    """An ATX heading. `missing_space` marks "#2 Title" (not a heading in CommonMark)."""

    level: int
    text: str
    missing_space: bool


def scan_heading(line: str) -> Heading | None:
    """The heading on `line`, or None. Callers decide whether to accept `missing_space` ones."""
    m = _HEADING.match(line)
    if m is None:
        return None
    text = m.group(3).strip()
    missing = not m.group(2) and bool(text)
    return Heading(level=len(m.group(1)), text=text, missing_space=missing)


def is_rule(line: str) -> bool:
    """A thematic break such as `* * *` or `---`."""
    return _RULE.match(line) is not None


def github_anchor(heading: str) -> str:
    """The fragment GitHub gives a heading: 'Image: A / B' -> 'image-a--b'."""
    kept = "".join(c for c in heading.strip().lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


@dataclass(frozen=True)
class LinkMatch:
    """A link found in a line: `[[label]](url)`, `[label](url)` or a bare URL (label None).

    `space_before_paren`: written `[[pdf]] (url)`; `closed`: the `(` found its `)`;
    `padded`: whitespace inside the parentheses around the URL.
    """

    label: str | None
    url: str
    start: int
    end: int
    space_before_paren: bool = False
    closed: bool = True
    padded: bool = False

    @property
    def kind(self) -> str:
        """Link kind of the data model: the label lower-cased, "url" for a bare URL."""
        return self.label.strip().lower() if self.label and self.label.strip() else "url"

    def to_link(self) -> Link:
        return Link(url=self.url, kind=self.kind)


def _destination(text: str, open_idx: int) -> tuple[str, int, bool, bool]:
    """URL inside the parenthesis at `open_idx`: (url, end index, closed, padded).

    Balanced parentheses belong to the URL (CommonMark does the same), so
    `(...ai%20(2009).pdf)` keeps its inner pair. Whitespace ends the URL unless only `)` follows.
    """
    depth = 0
    seen = False  # leading whitespace inside "(" does not end the URL
    i = open_idx
    while i < len(text):
        c = text[i]
        if not c.isspace() and i > open_idx:
            seen = True
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                raw = text[open_idx + 1 : i]
                return raw.strip(), i + 1, True, raw != raw.strip()
        elif c.isspace() and seen:
            j = i
            while j < len(text) and text[j].isspace():
                j += 1
            if depth == 1 and j < len(text) and text[j] == ")":
                return text[open_idx + 1 : i].strip(), j + 1, True, True
            return text[open_idx + 1 : i].strip(), i, False, False
        i += 1
    return text[open_idx + 1 :].strip(), len(text), False, False


def find_label_links(text: str) -> list[LinkMatch]:
    """Every `[[label]](url)` (also `[[label]] (url)`) in order."""
    found: list[LinkMatch] = []
    pos = 0
    while True:
        m = _LABEL_LINK.search(text, pos)
        if m is None:
            return found
        url, end, closed, padded = _destination(text, m.end() - 1)
        found.append(LinkMatch(m.group(1), url, m.start(), end, bool(m.group(2)), closed, padded))
        pos = max(end, m.end())


def find_named_links(text: str) -> list[LinkMatch]:
    """Every `[Name](url)` in order; a `[Name]` without `(url)` has url "" and closed False."""
    found: list[LinkMatch] = []
    pos = 0
    while True:
        m = _NAMED_LINK.search(text, pos)
        if m is None:
            return found
        if not m.group(3):
            found.append(LinkMatch(m.group(1), "", m.start(), m.end(), closed=False))
            pos = m.end()
            continue
        url, end, closed, padded = _destination(text, m.end() - 1)
        found.append(LinkMatch(m.group(1), url, m.start(), end, bool(m.group(2)), closed, padded))
        pos = max(end, m.end())


def find_links(text: str) -> list[LinkMatch]:
    """Label links plus bare URLs outside them, in document order."""
    labelled = find_label_links(text)
    bare = [
        LinkMatch(
            None, m.group(0).rstrip(".,;:"), m.start(), m.start() + len(m.group(0).rstrip(".,;:"))
        )
        for m in _BARE_URL.finditer(text)
        if not any(link.start <= m.start() < link.end for link in labelled)
    ]
    return sorted(labelled + bare, key=lambda link: link.start)


def remove_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """`text` with the [start, end) spans replaced by a space each."""
    out: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if start >= pos:
            out.append(text[pos:start])
            out.append(" ")
            pos = end
        else:
            pos = max(pos, end)
    out.append(text[pos:])
    return "".join(out)


def link_oddities(link: LinkMatch) -> list[tuple[str, str]]:
    """(code suffix, detail) for each oddity of one link."""
    odd: list[tuple[str, str]] = []
    if link.space_before_paren:
        odd.append(("link-space", f"space between [{link.label}] and its (url)"))
    if not link.closed:
        odd.append(("unclosed-link", f"link to {link.url!r} has no closing parenthesis"))
    if link.padded:
        odd.append(("url-whitespace", f"whitespace around the URL {link.url!r}"))
    if link.url.count("://") > 1 or "%5Cn" in link.url:
        odd.append(("suspicious-url", f"URL looks like several URLs glued together: {link.url!r}"))
    if not link.url:
        odd.append(("empty-url", "link without a URL"))
    return odd


def odd_characters(text: str) -> list[str]:
    """Invisible or replacement characters (e.g. U+FFFC) as 'U+XXXX'; tabs do not count."""
    # `isprintable` is false for every category below (and for separators): a printable text
    # can only hold the two replacement characters; most texts are, and skip the loop
    if text.isprintable() and "\ufffc" not in text and "\ufffd" not in text:
        return []
    odd = {
        f"U+{ord(c):04X}"
        for c in text
        if c not in "\t\n\r"
        and (unicodedata.category(c) in {"Cc", "Cf", "Co", "Cs", "Cn"} or c in "\ufffc\ufffd")
    }
    return sorted(odd)


@dataclass(frozen=True)
class Block:
    """An entry: its first line plus continuation lines, joined with single spaces."""

    line: int
    end_line: int
    text: str


def take_block(lines: Sequence[str], index: int, stops: Callable[[str], bool]) -> Block:
    """The entry starting at `lines[index]` (0-based), continued by following lines that are
    neither blank nor `stops(line)` (markdown's lazy continuation)."""
    end = index
    while end + 1 < len(lines) and lines[end + 1].strip() and not stops(lines[end + 1]):
        end += 1
    text = " ".join(line.strip() for line in lines[index : end + 1])
    return Block(line=index + 1, end_line=end + 1, text=text)


def find_year(text: str) -> int | None:
    """The last plausible 19xx/20xx year in `text`, ignoring arXiv ids (1409.1556, arXiv:2004.1)
    and page ranges (1929-1958)."""
    years = [int(m.group(1)) for m in _YEAR.finditer(text)]
    return years[-1] if years else None


@dataclass(frozen=True)
class AuthorList:
    """Author names split from a list as written; `oddities` are (code suffix, detail)."""

    names: tuple[str, ...]
    complete: bool
    oddities: tuple[tuple[str, str], ...]


def _single(part: str) -> bool:
    return " " not in part


def _initials(part: str) -> bool:
    return _INITIALS.match(part) is not None


def _pair_group(parts: list[str]) -> list[str]:
    """Join "Family, Given" pairs of one comma-separated group (see split_authors)."""
    if any(_initials(p) for p in parts[1:]):
        names: list[str] = []
        for part in parts:
            if names and _initials(part) and not _initials(names[-1]) and "," not in names[-1]:
                names[-1] = f"{names[-1]}, {part}"
            else:
                names.append(part)
        return names
    if all(_single(p) for p in parts):
        # Two bare words read as "Family, Given" (MLA); three or more as family names only.
        return [f"{parts[0]}, {parts[1]}"] if len(parts) == 2 else parts
    if len(parts) >= 2 and _single(parts[0]) and "." not in parts[0]:
        return [f"{parts[0]}, {parts[1]}", *parts[2:]]
    return parts


def _trim_name(name: str) -> str:
    name = name.strip(" ,;")
    if name.endswith("."):
        last = name.rsplit(" ", 1)[-1]
        if not _initials(last):
            name = name[:-1].rstrip()
    return name


def split_authors(text: str) -> AuthorList:
    """Split an author list as written into names, in order, without normalising them.

    Handles "et al." (and "et. al.", "etal", "and others": complete=False), "A, B, and C",
    "A and B", semicolons, all-inverted "Pinheiro, P.O., Collobert, R.", MLA
    "Hinton, Geoffrey E., Simon Osindero, and Yee-Whye Teh" (first author inverted) and bare
    family names "Wu, Schuster, Chen, Le". Parenthesised text is taken out of the names and
    reported. Two bare words "X, Y" read as one inverted name: "He, Gkioxari" is ambiguous
    and comes out as one name (documented limitation; curation can split it).
    """
    odd: list[tuple[str, str]] = []
    t = collapse_ws(text)
    for m in _PAREN.finditer(t):
        odd.append(("author-parenthetical", f"({m.group(1)}) in the author list"))
    t = _PAREN.sub("", t)
    complete = True
    m_et = _ET_AL.search(t, max(0, len(t) - 40))  # the marker ends the list: bounded search
    if m_et:
        complete = False
        marker = collapse_ws(m_et.group(1)).lower()
        if marker not in {"et al.", "et al", "and others"}:
            odd.append(("et-al-variant", f"{m_et.group(1)!r} written for 'et al.'"))
        t = t[: m_et.start(1)]
    t = t.strip(" ,;")
    if _BAD_COMMA.search(t):
        odd.append(("author-spacing", f"comma without a following space in {t!r}"))
    if ";" in t:
        raw = t.split(";")
    else:
        raw = []
        for group in _AND.split(t):
            parts = [p.strip() for p in group.split(",") if p.strip()]
            if parts:
                raw.extend(_pair_group(parts))
    names = tuple(n for n in (_trim_name(r) for r in raw) if n)
    return AuthorList(names=names, complete=complete, oddities=tuple(odd))


def warn(code: str, message: str, prov: Provenance) -> Issue:
    """A warning Issue at `prov`."""
    return Issue(code=code, level=Level.WARNING, message=message, where=prov)


def unparsable(prefix: str, message: str, prov: Provenance) -> Issue:
    """The issue standing for an entry-looking line that could not be parsed (`prefix`: the
    issue-code prefix of the source kind)."""
    return warn(f"{prefix}.{UNPARSABLE_ENTRY}", message, prov)


def entry_issues(result: ParseResult) -> list[Issue]:
    """The issues that stand for an entry-looking line that could not be parsed."""
    return [i for i in result.issues if i.code.endswith("." + UNPARSABLE_ENTRY)]


def excerpt(text: str, limit: int = 80) -> str:
    """Short quotable form of a line for issue messages."""
    text = collapse_ws(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
