"""The issue catalogue: what each `Issue.code` means and what the user can do about it.

The entries live in `issues.toml` beside this module (data, not code, so that wording changes
do not touch the pipeline). `docs/issues.md` is `markdown()` of it, checked by a test, and
`dlkg issues CODE` prints one entry; another test reads the whole package source and fails on
any code the pipeline can emit that is missing here, and on entries nothing emits.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LEVELS = ("warning", "error", "error or warning")

# What kind of defect an issue is: the build report, report.csv and `dlkg lint` group by it.
CATEGORIES = {
    "url": "links: junk, tracking parameters, mirrors, wrong or missing links",
    "structure": "headings, sections, the Contents and numbering",
    "year": "missing or contradictory years",
    "authors": "author lists: incomplete, shortened, misspelt or oddly written",
    "title": "title typos, truncations and differing wordings",
    "translation": "the Chinese documents against the English lists",
    "formatting": "Markdown and BibTeX syntax",
    "entry": "entries that lack fields or could not be read",
    "identity": "which records are one paper: conflicts and duplicates",
    "curation": "curation decisions and the key registry",
    "contribution": "the awesome list's own contribution rules (Contributing.md)",
}

# Where the codes come from, in the order docs/issues.md lists them.
PREFIXES = {
    "awesome": "the awesome list parser (README.md of awesome-deep-learning-papers)",
    "roadmap": "the reading-roadmap parser (README.md of Deep-Learning-Papers-Reading-Roadmap)",
    "bib": "the BibTeX parser",
    "zh-awesome": "the parser of the Chinese translation of the awesome list",
    "zh-blog": "the parser of the Chinese roadmap blog post",
    "resolve": "resolution: matching records to papers and people, curation, the key registry",
    "check": "checks of one source's text (links, years, headings, titles), in builds and lint",
    "cross": "checks across sources after resolution (authors, titles, years, translations)",
    "lint": "`dlkg lint` only: the awesome list's contribution rules and duplicates",
}


@dataclass(frozen=True)
class IssueKind:
    """One catalogue entry."""

    code: str
    level: str
    meaning: str
    action: str
    category: str = "entry"
    handling: str = ""  # what the pipeline does about it, in a few words
    meaning_zh: str = ""  # the meaning and the action in Chinese (zh-Hans)
    action_zh: str = ""

    @property
    def prefix(self) -> str:
        return self.code.partition(".")[0]

    def meaning_in(self, lang: str) -> str:
        """The meaning for a reader of `lang` ("zh-Hans" or another tag: English)."""
        return (self.meaning_zh if lang == "zh-Hans" else "") or self.meaning

    def action_in(self, lang: str) -> str:
        return (self.action_zh if lang == "zh-Hans" else "") or self.action

    def text(self) -> str:
        """The entry for a terminal, its Chinese after the English.

        >>> kind = IssueKind("bib.x", "warning", "Broken.", "Fix it.",
        ...                  meaning_zh="坏了。", action_zh="修好。")
        >>> print(kind.text())
        bib.x (warning)
          Broken.
          What to do: Fix it.
          含义：坏了。
          处理建议：修好。
        """
        text = f"{self.code} ({self.level})\n  {self.meaning}\n  What to do: {self.action}"
        if self.meaning_zh:
            text += f"\n  含义：{self.meaning_zh}\n  处理建议：{self.action_zh}"
        return text


def catalogue_path() -> Path:
    return Path(__file__).with_name("issues.toml")


@cache
def catalogue() -> dict[str, IssueKind]:
    """Every entry by code; a malformed file is a bug in dlkg, so it raises ValueError."""
    data = tomllib.loads(catalogue_path().read_text(encoding="utf-8"))
    kinds: dict[str, IssueKind] = {}
    for code, entry in data.items():
        prefix, dot, name = code.partition(".")
        if not (dot and name) or prefix not in PREFIXES:
            raise ValueError(f"issues.toml: {code!r} is not <known prefix>.<name>")
        fields = {"level", "meaning", "action", "category", "handling", "meaning_zh", "action_zh"}
        if set(entry) != fields or entry["level"] not in LEVELS:
            raise ValueError(f"issues.toml: {code!r} needs exactly {sorted(fields)}")
        if entry["category"] not in CATEGORIES:
            raise ValueError(f"issues.toml: {code!r}: category not one of {sorted(CATEGORIES)}")
        kinds[code] = IssueKind(code, **entry)
    return kinds


def category_of(code: str) -> str:
    """The catalogue category of a code; "entry" for a code the catalogue does not know (a
    test keeps the catalogue complete, so that is only a fallback for foreign reports)."""
    kind = catalogue().get(code)
    return kind.category if kind else "entry"


def handling_of(code: str) -> str:
    kind = catalogue().get(code)
    return kind.handling if kind else ""


def markdown() -> str:
    """docs/issues.md: one table per prefix, codes sorted."""
    kinds = catalogue()
    parts = [
        "# Build issues\n\n",
        "Every code `dlkg build` can report (in its output, in `report.json`, and in brackets\n",
        "at the end of each warning line), what it means and what you can do. Generated from\n",
        "`pipeline/dlkg/issues.toml` by `dlkg issues --markdown`; a test checks it is current.\n",
        "`dlkg issues CODE` prints one entry. Warnings are reported and fail only\n",
        "`dlkg build --strict`; errors fail every build (exit code 1).\n\n",
        "A new code goes into `issues.toml` with the code that emits it: a test reads the whole\n",
        "package source and names every code missing there, and every entry nothing emits.\n\n",
        "Categories: "
        + "; ".join(f"`{name}` ({text})" for name, text in CATEGORIES.items())
        + ".\n",
    ]
    for prefix, origin in PREFIXES.items():
        rows = [k for code, k in sorted(kinds.items()) if k.prefix == prefix]
        parts.append(f"\n## `{prefix}.*`: {origin}\n\n")
        parts.append(
            "| code | level | category | meaning | dlkg does | what to do |\n"
            "|---|---|---|---|---|---|\n"
        )
        for k in rows:
            cells = (f"`{k.code}`", k.level, k.category, k.meaning, k.handling, k.action)
            parts.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |\n")
    return "".join(parts)
