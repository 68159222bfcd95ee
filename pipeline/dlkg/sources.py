"""The source-kind registry: everything the code knows about each kind of input, in one place.

A *kind* (the `kind` of an entry of data/sources.toml) names one input document and says
which parser reads it, which list it describes (if any), the prefix of its issue codes, its
language, how its statements rank in conflicts and which list it translates. Every stage asks
this registry instead of keeping its own table; `check_entry` keeps the manifest and the
registry in agreement (see docs/sources.md for adding a source).

Two names per source are needed, because both are parts of published IRIs: the *source id*
(`source/<id>`, its named graph, `prov:wasDerivedFrom`) and the *list id* (`list/<id>` and its
section scheme; none for BibTeX, which describes no list). Issue codes use the list id, or the
source id when there is no list, except where `code_prefix` keeps an older code ("bib.",
"zh-blog.") that users already match on.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import UsageError
from .records import Issue, ParseResult

Parser = Callable[..., ParseResult]


@dataclass(frozen=True)
class SourceKind:
    """One kind of source. `parser` is "module:function", imported only when first used, so
    one parser's import cost or failure does not hit the others."""

    name: str  # the `kind` of data/sources.toml
    source_id: str  # the `id` its manifest entry has
    parser: str
    language: str  # BCP 47 of the document (and of its list and sections)
    rank: int  # conflicts of years and authors: lower wins (docs/resolution.md)
    title_rank: int  # conflicts of titles: lower wins
    list_id: str | None = None  # the list it describes; None for records only (BibTeX)
    translation_of: str | None = None  # the kind whose list this one translates
    code_prefix: str | None = None  # only where the issue codes predate the list id

    @property
    def required_list_id(self) -> str:
        """The list id of a kind that describes a list (parsers of lists use it)."""
        if self.list_id is None:
            raise ValueError(f"source kind {self.name!r} describes no list")
        return self.list_id

    @property
    def prefix(self) -> str:
        """The prefix of this kind's issue codes (`awesome.no-year`)."""
        return self.code_prefix or self.list_id or self.source_id

    def code(self, suffix: str) -> str:
        return f"{self.prefix}.{suffix}"

    def parse_function(self) -> Parser:
        module, _, function = self.parser.partition(":")
        parser: Parser = getattr(importlib.import_module(module), function)
        return parser

    @property
    def dropped_codes(self) -> frozenset[str]:
        """Issue codes standing for an entry-looking line that gave no record: the parser
        module's `DROPPED_CODES` and every `<prefix>.unparsable-entry`."""
        module = sys.modules[self.parse_function().__module__]
        codes: frozenset[str] = getattr(module, "DROPPED_CODES", frozenset())
        return codes | {self.code("unparsable-entry")}

    def parse(self, text: str, *, source_id: str | None = None, path: str) -> ParseResult:
        return self.parse_function()(text, source_id=source_id or self.source_id, path=path)

    @property
    def original(self) -> SourceKind | None:
        """The kind this one translates, if any."""
        return kind(self.translation_of) if self.translation_of else None

    @property
    def section_list(self) -> str | None:
        """The list whose section scheme this kind's sections belong to (a translation
        labels its original's sections)."""
        original = self.original
        return original.list_id if original else self.list_id


_KINDS: dict[str, SourceKind] = {}


def register(new: SourceKind) -> SourceKind:
    """Add a kind; its name, source id and list id must be new (ValueError otherwise)."""
    for other in _KINDS.values():
        clash = [
            f"{what} {value!r}"
            for what, value, theirs in (
                ("name", new.name, other.name),
                ("source id", new.source_id, other.source_id),
                ("list id", new.list_id, other.list_id),
            )
            if value is not None and value == theirs
        ]
        if clash:
            raise ValueError(f"source kind {new.name!r}: {', '.join(clash)} already registered")
    _KINDS[new.name] = new
    return new


def unregister(name: str) -> None:
    """Remove a kind (tests that register an extra kind undo it)."""
    _KINDS.pop(name, None)


def kinds() -> tuple[SourceKind, ...]:
    return tuple(_KINDS.values())


def kind(name: str) -> SourceKind:
    """The kind of that name; KeyError naming the known ones otherwise."""
    try:
        return _KINDS[name]
    except KeyError:
        raise KeyError(f"unknown source kind {name!r} (one of {sorted(_KINDS)})") from None


def of_list(list_id: str) -> SourceKind | None:
    return next((k for k in _KINDS.values() if k.list_id == list_id), None)


def of_source(source_id: str) -> SourceKind | None:
    return next((k for k in _KINDS.values() if k.source_id == source_id), None)


def dropped_entries(kind_name: str, result: ParseResult) -> list[Issue]:
    """Issues that stand for an entry-looking line which gave no record.

    The invariant every parser keeps: entries + BibTeX entries + these == candidate_lines."""
    codes = kind(kind_name).dropped_codes
    return [i for i in result.issues if i.code in codes]


def check_entry(raw: Mapping[str, Any], where: str, by_id: Mapping[str, str]) -> None:
    """A manifest entry agrees with its kind: known kind, the kind's source id and language,
    and a `translation_of` naming the source of the kind it translates. `by_id` maps the
    manifest's source ids to their kinds. Raises a one-line UsageError naming `where`."""
    if raw["kind"] not in _KINDS:
        raise UsageError(f"{where}: unknown kind {raw['kind']!r} (one of {sorted(_KINDS)})")
    known = _KINDS[raw["kind"]]
    if raw["id"] != known.source_id:
        raise UsageError(
            f"{where}: kind {known.name!r} is the source {known.source_id!r} in the registry "
            f"(dlkg/sources.py), not {raw['id']!r}"
        )
    if raw["language"] != known.language:
        raise UsageError(
            f"{where}: language {raw['language']!r}, but kind {known.name!r} is {known.language!r}"
        )
    translated = raw.get("translation_of")
    if translated != (known.original.source_id if known.original else None):
        expected = repr(known.original.source_id) if known.original else "nothing"
        raise UsageError(
            f"{where}: translation_of {translated!r}, but kind {known.name!r} translates {expected}"
        )
    if translated is not None and translated not in by_id:
        raise UsageError(f"{where}: translation_of {translated!r} is not a source of the manifest")


# The five sources of dlkg. Ranks: BibTeX over the roadmap over the awesome list over the
# translations for years and authors; for titles the awesome list comes before the roadmap,
# whose titles are re-typed by hand ("deep forward neural networks" for "feedforward").
for _kind in (
    SourceKind(
        "awesome-list",
        "awesome-readme",
        "dlkg.parse.awesome:parse_awesome",
        "en",
        rank=2,
        title_rank=1,
        list_id="awesome",
    ),
    SourceKind(
        "bibtex",
        "awesome-bib",
        "dlkg.parse.bibtex:parse_bibtex",
        "en",
        rank=0,
        title_rank=0,
        code_prefix="bib",
    ),
    SourceKind(
        "roadmap",
        "roadmap-readme",
        "dlkg.parse.roadmap:parse_roadmap",
        "en",
        rank=1,
        title_rank=2,
        list_id="roadmap",
    ),
    SourceKind(
        "zh-awesome-list",
        "zh-awesome",
        "dlkg.parse.zh_awesome:parse_zh_awesome",
        "zh-Hans",
        rank=4,
        title_rank=4,
        list_id="zh-awesome",
        translation_of="awesome-list",
    ),
    SourceKind(
        "zh-roadmap-blog",
        "zh-roadmap-blog",
        "dlkg.parse.zh_blog:parse_zh_blog",
        "zh-Hans",
        rank=3,
        title_rank=3,
        list_id="zh-roadmap-blog",
        translation_of="roadmap",
        code_prefix="zh-blog",
    ),
):
    register(_kind)


__all__ = [
    "Parser",
    "SourceKind",
    "check_entry",
    "dropped_entries",
    "kind",
    "kinds",
    "of_list",
    "of_source",
    "register",
    "unregister",
]
