"""One parser per source kind: pure functions from text to records (see records.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from ..records import Issue, ParseResult

Parser = Callable[..., ParseResult]


def parser_for(kind: str) -> Parser:
    """The parser of a source kind of data/sources.toml."""
    # Imported here so that one parser's import cost or failure does not hit the others.
    if kind == "awesome-list":
        from .awesome import parse_awesome

        return parse_awesome
    if kind == "roadmap":
        from .roadmap import parse_roadmap

        return parse_roadmap
    if kind == "bibtex":
        from .bibtex import parse_bibtex

        return parse_bibtex
    if kind == "zh-awesome-list":
        from .zh_awesome import parse_zh_awesome

        return parse_zh_awesome
    if kind == "zh-roadmap-blog":
        from .zh_blog import parse_zh_blog

        return parse_zh_blog
    raise ValueError(f"no parser for source kind {kind!r}")


def dropped_entries(kind: str, result: ParseResult) -> list[Issue]:
    """Issues that stand for an entry-looking line which gave no record.

    The invariant every parser keeps: entries + BibTeX entries + these == candidate_lines.
    Parsers name these codes either with the suffix ".unparsable-entry" or in `DROPPED_CODES`.
    """
    module = sys.modules[parser_for(kind).__module__]
    codes: frozenset[str] = getattr(module, "DROPPED_CODES", frozenset())
    return [i for i in result.issues if i.code in codes or i.code.endswith(".unparsable-entry")]


def parse_text(kind: str, text: str, *, source_id: str, path: str) -> ParseResult:
    return parser_for(kind)(text, source_id=source_id, path=path)
