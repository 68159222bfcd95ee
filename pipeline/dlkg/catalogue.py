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

# Where the codes come from, in the order docs/issues.md lists them.
PREFIXES = {
    "awesome": "the awesome list parser (README.md of awesome-deep-learning-papers)",
    "roadmap": "the reading-roadmap parser (README.md of Deep-Learning-Papers-Reading-Roadmap)",
    "bib": "the BibTeX parser",
    "zh-awesome": "the parser of the Chinese translation of the awesome list",
    "zh-blog": "the parser of the Chinese roadmap blog post",
    "resolve": "resolution: matching records to papers and people, curation, the key registry",
}


@dataclass(frozen=True)
class IssueKind:
    """One catalogue entry."""

    code: str
    level: str
    meaning: str
    action: str

    @property
    def prefix(self) -> str:
        return self.code.partition(".")[0]

    def text(self) -> str:
        """The entry for a terminal.

        >>> print(IssueKind("bib.x", "warning", "Broken.", "Fix it.").text())
        bib.x (warning)
          Broken.
          What to do: Fix it.
        """
        return f"{self.code} ({self.level})\n  {self.meaning}\n  What to do: {self.action}"


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
        if set(entry) != {"level", "meaning", "action"} or entry["level"] not in LEVELS:
            raise ValueError(f"issues.toml: {code!r} needs level ({LEVELS}), meaning, action")
        kinds[code] = IssueKind(code, entry["level"], entry["meaning"], entry["action"])
    return kinds


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
        "package source and names every code missing there, and every entry nothing emits.\n",
    ]
    for prefix, origin in PREFIXES.items():
        rows = [k for code, k in sorted(kinds.items()) if k.prefix == prefix]
        parts.append(f"\n## `{prefix}.*`: {origin}\n\n")
        parts.append("| code | level | meaning | what to do |\n|---|---|---|---|\n")
        for k in rows:
            cells = (f"`{k.code}`", k.level, k.meaning, k.action)
            parts.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |\n")
    return "".join(parts)
