"""The gallery queries (`queries/NN-slug.rq`) by name, for `dlkg query 01` and `dlkg query --list`.

A query is named by its number (`01` or `1`), its slug (`top100-papers-by-hinton`) or its file
stem (`01-top100-papers-by-hinton`). The web UI reads the same files (web/site/home.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

NAME = re.compile(r"^[\w.-]+$")  # what can be a name; a SPARQL query never looks like this


@dataclass(frozen=True)
class GalleryFile:
    path: Path
    number: str  # "01"
    slug: str  # "top100-papers-by-hinton"
    summary: str  # the `#+ summary:` header

    def matches(self, name: str) -> bool:
        name = name.removesuffix(".rq")
        if name.isdigit() and self.number.isdigit():
            return int(name) == int(self.number)
        return name in (self.slug, self.path.stem)


def gallery_files(directory: Path) -> list[GalleryFile]:
    """Every `NN-slug.rq` of `directory`, in order."""
    return [replace(q, summary=_summary(q.path)) for q in _named(directory)]


def _named(directory: Path) -> list[GalleryFile]:
    """The gallery files by name only (no summary): what finding one needs."""
    found = []
    for path in sorted(directory.glob("*.rq")):
        number, _, slug = path.stem.partition("-")
        found.append(GalleryFile(path, number, slug or path.stem, ""))
    return found


def _summary(path: Path) -> str:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#+ summary:"):
                return line.split(":", 1)[1].strip()
    return ""


def find(name: str, directory: Path) -> GalleryFile | None:
    """The gallery query `name` names, or None. Reads no file: `dlkg query 01` waits for it."""
    return next((q for q in _named(directory) if q.matches(name)), None)
