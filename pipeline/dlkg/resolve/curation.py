"""Manual resolution decisions from data/curation/*.tsv: they always win over the rules.

Format (UTF-8, one decision per line, tab-separated, a header row, rows sorted; the canonical
form is what `format_decisions` writes and a test checks every file against it):

    kind	subject	object	reason

kinds: `paper-same-as`, `paper-different-from`, `paper-title` (object: the title),
`paper-year` (object: the year), `paper-author-order` (object: family names "A | B | C"),
`paper-authors-complete` (object: yes or no),
`link-not-identity` (object empty), `person-same-as`, `person-different-from`, `person-name`
(object: the name as "Family, Given").

References never use line numbers (inserting a line above would break them):
- a paper: `bib:<citation key>`, `arxiv:<id>`, `doi:<doi>`, `title:<title>` (every record
  whose normalised English title is that title) or a paper key of `keys.tsv`;
- a link: the URL as written in a source (compared by `normalize.url_key`);
- a person: `<paper>#<name as written>` (that name in any record of that paper),
  `<paper>#<position>` (the n-th author of the referenced records themselves) or a name as
  written (every mention written so, compared after `normalize.clean_name_text` and `fold`).

`keys.tsv` of the same folder is the key registry (`resolve.keys`), not a decision file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import CurationError
from ..records import Issue, Level, Provenance

KINDS = (
    "link-not-identity",
    "paper-different-from",
    "paper-author-order",
    "paper-authors-complete",
    "paper-same-as",
    "paper-title",
    "paper-year",
    "person-different-from",
    "person-name",
    "person-same-as",
)
HEADER = ("kind", "subject", "object", "reason")
KEYS_FILE = "keys.tsv"  # the key registry lives beside the decisions but has its own format
PAPER_REF_KINDS = ("bib", "arxiv", "doi", "title")
_PAPER_KEY = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
_LINE_REF = re.compile(r"^[a-z][a-z0-9\-]*:\d+(:|$)")


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


@dataclass(frozen=True)
class PaperRef:
    """A reference to the records of one paper: `kind` is bib, arxiv, doi, title or key."""

    kind: str
    value: str


@dataclass(frozen=True)
class PersonRef:
    """A reference to written names: in one paper (by name or position) or anywhere."""

    paper: PaperRef | None
    name: str | None = None
    position: int | None = None


def parse_paper_ref(text: str) -> PaperRef | None:
    """`bib:KEY`, `arxiv:ID`, `doi:DOI`, `title:TITLE` or a paper key; None if malformed."""
    prefix, sep, value = text.partition(":")
    if sep and prefix in PAPER_REF_KINDS and value.strip():
        return PaperRef(prefix, value.strip().lower() if prefix == "doi" else value.strip())
    if _PAPER_KEY.match(text):
        return PaperRef("key", text)
    return None


def parse_person_ref(text: str) -> PersonRef | None:
    """`<paper ref>#<name>`, `<paper ref>#<position>` or a plain name; None if malformed."""
    if "#" not in text:
        return PersonRef(None, text.strip()) if text.strip() else None
    paper_text, _, who = text.rpartition("#")
    paper = parse_paper_ref(paper_text.strip())
    who = who.strip()
    if paper is None or not who:
        return None
    if who.isdigit():
        return PersonRef(paper, position=int(who))
    return PersonRef(paper, name=who)


def _check_ref(kind: str, ref: str, path: str, line: int) -> None:
    if _LINE_REF.match(ref) and ref.partition(":")[0] not in PAPER_REF_KINDS:
        raise CurationError(
            f"{ref!r}: line numbers break when a line is inserted; refer to the paper by "
            "bib:KEY, arxiv:ID, doi:DOI, title:TITLE or its key (and a person by #NAME)",
            path=path,
            line=line,
        )
    ok = parse_person_ref(ref) if kind.startswith("person-") else parse_paper_ref(ref)
    if ok is None:
        raise CurationError(f"malformed reference {ref!r} for {kind}", path=path, line=line)


def tsv_rows(
    text: str, header: tuple[str, ...], path: str, what: str
) -> Iterator[tuple[int, tuple[str, ...]]]:
    """The (line number, fields) of a curated TSV file after its header; a wrong header or a
    row with another number of fields is a CurationError naming `path:line` (`what` says
    which fields a row needs)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        fields = tuple(line.split("\t"))
        if number == 1:
            if fields != header:
                raise CurationError(f"the header must be {' | '.join(header)}", path=path, line=1)
            continue
        if len(fields) != len(header):
            raise CurationError(f"expected {what}", path=path, line=number)
        yield number, fields


def parse_decisions(text: str, path: str = "curation.tsv") -> list[Decision]:
    """Read one curation file. Raises CurationError naming `path:line` on a malformed row."""
    decisions: list[Decision] = []
    what = f"{len(HEADER)} tab-separated fields"
    for number, fields in tsv_rows(text, HEADER, path, what):
        kind, subject, obj, reason = (f.strip() for f in fields)
        if kind not in KINDS:
            raise CurationError(f"unknown kind {kind!r} (one of {KINDS})", path=path, line=number)
        if not subject or not reason or (kind != "link-not-identity") != bool(obj):
            raise CurationError("subject, reason (and object) are required", path=path, line=number)
        if kind != "link-not-identity":
            _check_ref(kind, subject, path, number)
        if kind in {"paper-same-as", "paper-different-from"}:
            _check_ref(kind, obj, path, number)
        if kind.startswith("person-") and kind != "person-name":
            _check_ref(kind, obj, path, number)
        if kind == "paper-year" and not re.fullmatch(r"\d{4}", obj):
            raise CurationError("paper-year needs a year such as 2016", path=path, line=number)
        if kind == "paper-authors-complete" and obj not in {"yes", "no"}:
            raise CurationError("paper-authors-complete needs yes or no", path=path, line=number)
        if kind == "person-name" and "," not in obj:
            raise CurationError("person-name needs 'Family, Given'", path=path, line=number)
        where = Provenance("curation", Path(path).name, number)
        decisions.append(Decision(kind, subject, obj, reason, where))
    return decisions


def format_decisions(decisions: Iterable[Decision]) -> str:
    """The canonical text of a curation file: header, then rows sorted, no duplicates."""
    rows = sorted({d.row() for d in decisions})
    return "\n".join(["\t".join(HEADER), *rows]) + "\n"


def decision_files(curation_dir: Path | None) -> list[Path]:
    """The decision files of the folder: every `*.tsv` except the key registry."""
    if curation_dir is None or not curation_dir.is_dir():
        return []
    return [p for p in sorted(curation_dir.glob("*.tsv")) if p.name != KEYS_FILE]


def load_curation(curation_dir: Path | None) -> list[Decision]:
    """Every decision of every decision file in the folder (none when it is absent)."""
    decisions: list[Decision] = []
    for path in decision_files(curation_dir):
        decisions.extend(parse_decisions(path.read_text(encoding="utf-8"), str(path.name)))
    return decisions


def unmatched(decision: Decision, what: str) -> Issue:
    """The issue for a decision whose reference finds nothing in the sources.

    An error (the build fails) for decisions that join, split or name things, because
    leaving them unapplied silently changes the graph; a warning for an unused
    `link-not-identity`, whose link merely left the sources."""
    level = Level.WARNING if decision.kind == "link-not-identity" else Level.ERROR
    return Issue(
        "resolve.curation-unmatched",
        level,
        f"curation decision {decision.kind} {decision.subject!r} / {decision.object!r}: "
        f"{what} matches nothing in the sources (fix or delete the decision)",
        decision.prov,
    )


__all__ = [
    "KEYS_FILE",
    "KINDS",
    "CurationError",
    "Decision",
    "PaperRef",
    "PersonRef",
    "decision_files",
    "format_decisions",
    "load_curation",
    "parse_decisions",
    "parse_paper_ref",
    "parse_person_ref",
    "unmatched",
]
