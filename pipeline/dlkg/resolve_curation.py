"""Manual resolution decisions from data/curation/*.tsv: they always win over the rules.

Format (UTF-8, one decision per line, tab-separated, a header row, rows sorted; the canonical
form is what `format_decisions` writes and a test checks every file against it):

    kind	subject	object	reason

kinds: `paper-same-as`, `paper-different-from`, `link-not-identity` (object empty),
`person-same-as`, `person-different-from`.

References:
- a paper: `<source id>:<line>` (the entry or BibTeX entry starting on that line),
  `bib:<citation key>`, `arxiv:<id>`;
- a link: the URL as written in a source (compared by `normalize.url_key`);
- a person: `<source id>:<line>:<name as written>` (one authorship mention) or a name as
  written (every mention written exactly so).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError
from .records import Issue, Level, Provenance

KINDS = (
    "link-not-identity",
    "paper-different-from",
    "paper-same-as",
    "person-different-from",
    "person-same-as",
)
HEADER = ("kind", "subject", "object", "reason")


@dataclass(frozen=True, order=True)
class Decision:
    kind: str
    subject: str
    object: str
    reason: str
    prov: Provenance | None = None

    def row(self) -> str:
        return "\t".join((self.kind, self.subject, self.object, self.reason))

    def __str__(self) -> str:
        where = f" ({self.prov})" if self.prov else ""
        return f"{self.kind} {self.subject!r} {self.object!r}{where}"


class CurationError(UsageError):
    """A curation file that cannot be read: the build stops (a user error, exit code 2)."""


def parse_decisions(text: str, path: str = "curation.tsv") -> list[Decision]:
    """Read one curation file. Raises CurationError naming `path:line` on a malformed row."""
    decisions: list[Decision] = []
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        fields = tuple(line.split("\t"))
        if number == 1:
            if fields != HEADER:
                raise CurationError(f"the header must be {' | '.join(HEADER)}", path=path, line=1)
            continue
        if len(fields) != len(HEADER):
            raise CurationError(
                f"expected {len(HEADER)} tab-separated fields", path=path, line=number
            )
        kind, subject, obj, reason = (f.strip() for f in fields)
        if kind not in KINDS:
            raise CurationError(f"unknown kind {kind!r} (one of {KINDS})", path=path, line=number)
        if not subject or not reason or (kind != "link-not-identity") != bool(obj):
            raise CurationError("subject, reason (and object) are required", path=path, line=number)
        where = Provenance("curation", Path(path).name, number)
        decisions.append(Decision(kind, subject, obj, reason, where))
    return decisions


def format_decisions(decisions: Iterable[Decision]) -> str:
    """The canonical text of a curation file: header, then rows sorted, no duplicates."""
    rows = sorted({d.row() for d in decisions})
    return "\n".join(["\t".join(HEADER), *rows]) + "\n"


def load_curation(curation_dir: Path | None) -> list[Decision]:
    """Every decision of every `*.tsv` in the folder (none when it is absent)."""
    if curation_dir is None or not curation_dir.is_dir():
        return []
    decisions: list[Decision] = []
    for path in sorted(curation_dir.glob("*.tsv")):
        decisions.extend(parse_decisions(path.read_text(encoding="utf-8"), str(path.name)))
    return decisions


def unmatched(decision: Decision, what: str) -> Issue:
    """The issue for a decision whose reference finds nothing in the sources."""
    return Issue(
        "resolve.curation-unmatched",
        Level.WARNING,
        f"curation decision {decision.kind} {decision.subject!r} / {decision.object!r}: "
        f"{what} matches nothing in the sources",
        decision.prov,
    )


def split_mention_ref(ref: str) -> tuple[str, int, str | None] | None:
    """`source:line` or `source:line:name` -> (source, line, name); None for other forms."""
    parts = ref.split(":", 2)
    if len(parts) < 2 or not parts[1].isdigit() or not parts[0] or "/" in parts[0]:
        return None
    return parts[0], int(parts[1]), (parts[2] if len(parts) == 3 else None)


__all__ = [
    "KINDS",
    "CurationError",
    "Decision",
    "format_decisions",
    "load_curation",
    "parse_decisions",
    "split_mention_ref",
    "unmatched",
]
