"""The awesome list's own contribution rules, and duplicates, for `dlkg lint`.

From the list's Contributing.md and README: an entry is written like
`**Title** (2015), G. Hinton et al. [[pdf]](url)` — authors as initials and family name, and
"if the number of authors are more than two, please write the first author's name only"; the
top-100 part holds 100 papers; papers are not listed twice; the sections are not to be added
to or modified; and a paper meets the citation bar of its year ("- **2016** : +60 citations",
read from the file itself) where the citation count is known (a `citations.tsv` next to the
file: identifier or title, tab, count). With `--against-build`, a new entry must not repeat a
paper the built dataset already has, and every section must be one the built list has.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

from rapidfuzz import fuzz

from .normalize.identifiers import arxiv_id_from_text, arxiv_id_from_url, doi_from_url
from .normalize.titles import title_key
from .records import Entry, Issue, Level, ParseResult

_NAME = re.compile(r"^(?:[A-Z]\.[\s-]?)+\s*(?:[a-z]+\s)*[A-Z][\w'’\-]+$")
_BAR = re.compile(r"^\s*-\s*\*\*(\d{4})\*\*\s*:\s*\+(\d+)\s+citations", re.M)
_TOP100 = 100


def _issue(
    code: str,
    message: str,
    entry_or_line: Entry | int,
    result: ParseResult,
    *,
    level: Level = Level.WARNING,
    action: str = "",
) -> Issue:
    from .records import Provenance

    if isinstance(entry_or_line, Entry):
        where = entry_or_line.prov
    else:
        path = result.entries[0].prov.path if result.entries else result.source_id
        where = Provenance(result.source_id, path, entry_or_line)
    return Issue(code, level, message, where, action or "reported by dlkg lint")


def identifiers(entry: Entry) -> set[str]:
    """arXiv ids and DOIs an entry names, as "arxiv:ID" / "doi:DOI"."""
    ids = set()
    for link in entry.links:
        if found := arxiv_id_from_url(link.url):
            ids.add(f"arxiv:{found}")
        if found := doi_from_url(link.url):
            ids.add(f"doi:{found.lower()}")
    if entry.venue and (found := arxiv_id_from_text(entry.venue)):
        ids.add(f"arxiv:{found}")
    return ids


def _citations(path: Path | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    if path is None or not path.is_file():
        return counts
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, count = line.partition("\t")
        if count.strip().isdigit():
            counts[key.strip().lower()] = int(count)
    return counts


def _criteria_differ(text: str, result: ParseResult, criteria: Path) -> list[Issue]:
    """Each year whose bar in the list differs from the bar in another criteria file (the
    README and Contributing.md of the awesome list state different bars)."""
    other = {int(y): int(n) for y, n in _BAR.findall(criteria.read_text(encoding="utf-8"))}
    issues = []
    for m in _BAR.finditer(text):
        year, bar = int(m.group(1)), int(m.group(2))
        if year in other and other[year] != bar:
            line = text.count("\n", 0, m.start()) + 1
            issues.append(
                _issue(
                    "lint.criteria-differ",
                    f"the {year} bar is +{bar} here but +{other[year]} in {criteria.name}",
                    line,
                    result,
                )
            )
    return issues


def contribution_rules(
    text: str, result: ParseResult, citations: Path | None = None, criteria: Path | None = None
) -> list[Issue]:
    issues: list[Issue] = []
    papers = [e for e in result.entries if e.year is not None or e.authors]
    for e in papers:
        odd = [a for a in e.authors if not _NAME.match(a.strip().rstrip("."))]
        if odd:
            issues.append(
                _issue(
                    "lint.author-format",
                    f"authors {odd} not written as initials and family name (e.g. 'G. Hinton')",
                    e,
                    result,
                )
            )
        if len(e.authors) > 2:
            issues.append(
                _issue(
                    "lint.too-many-authors",
                    f"{len(e.authors)} authors named: "
                    "with more than two, name the first and write 'et al.'",
                    e,
                    result,
                )
            )
    top = [e for e in papers if e.section_key in {s.key for s in result.sections if s.top100}]
    if top and len(top) != _TOP100 and re.search(r"\btop[ -]?100\b", text, re.I):
        first = min(s.prov.line for s in result.sections if s.top100)
        issues.append(
            _issue(
                "lint.top100-count", f"the top-100 sections hold {len(top)} papers", first, result
            )
        )
    bars = {int(y): int(n) for y, n in _BAR.findall(text)}
    if criteria is not None and criteria.is_file():
        issues += _criteria_differ(text, result, criteria)
    counts = _citations(citations)
    for e in top:
        known = [counts[k] for k in [*identifiers(e), title_key(e.title)] if k in counts]
        if known and e.year in bars and known[0] < bars[e.year]:
            issues.append(
                _issue(
                    "lint.citation-bar",
                    f"{known[0]} citations, below the {e.year} bar of +{bars[e.year]}",
                    e,
                    result,
                )
            )
    issues += _duplicates(result)
    return issues


def _duplicates(result: ParseResult) -> list[Issue]:
    """An entry naming a paper an earlier entry of the same file names (same arXiv id or DOI,
    or a title at least 95% alike)."""
    issues: list[Issue] = []
    seen: list[tuple[Entry, set[str], str]] = []
    for e in result.entries:
        ids, key = identifiers(e), title_key(e.title)
        for earlier, their_ids, their_key in seen:
            years_differ = None not in (e.year, earlier.year) and e.year != earlier.year
            alike = len(key) > 10 and fuzz.ratio(key, their_key) >= 95 and not years_differ
            shared = ids & their_ids
            same = sorted(shared) if shared else "a title alike" if alike else None
            if same:
                issues.append(
                    _issue(
                        "lint.duplicate-entry",
                        f"the paper of line {earlier.prov.line} again ({same})",
                        e,
                        result,
                        level=Level.ERROR,
                        action="both entries kept; one paper, two list items",
                    )
                )
                break
        seen.append((e, ids, key))
    return issues


def _rows(store: object, pattern: str) -> list[Any]:
    from .namespaces import BIBO, DLKG_NS, SCHEMA, SKOS
    from .store import run_query

    prefixes = (
        f"PREFIX schema: <{SCHEMA}> PREFIX dlkg: <{DLKG_NS}> PREFIX bibo: <{BIBO}> "
        f"PREFIX skos: <{SKOS}> "
    )
    found = run_query(store, f"{prefixes} SELECT * WHERE {{ {pattern} }}")  # type: ignore[arg-type]
    return list(cast(Iterable[Any], found))


def against_build(result: ParseResult, build_dir: Path) -> list[Issue]:
    """New entries (a title the built list does not state) naming a paper the build has, and
    sections the built list does not have."""
    from .store import open_read_only

    store = open_read_only(build_dir / "store")
    if not result.entries:
        return []
    known: dict[str, str] = {}
    for row in _rows(
        store,
        "?p a schema:ScholarlyArticle ; schema:name ?name "
        "OPTIONAL { ?p dlkg:arxivId ?arxiv } OPTIONAL { ?p bibo:doi ?doi }",
    ):
        paper = row["p"].value
        known[f"title:{title_key(row['name'].value)}"] = paper
        if row["arxiv"] is not None:
            known[f"arxiv:{row['arxiv'].value}"] = paper
        if row["doi"] is not None:
            known[f"doi:{row['doi'].value.lower()}"] = paper
    stated = {title_key(r["t"].value) for r in _rows(store, "?i dlkg:statedTitle ?t")}
    labels = {r["l"].value for r in _rows(store, "?s skos:prefLabel ?l")}
    issues: list[Issue] = []
    for e in result.entries:
        if title_key(e.title) in stated:
            continue
        for key in [*sorted(identifiers(e)), f"title:{title_key(e.title)}"]:
            if key in known:
                issues.append(
                    _issue(
                        "lint.duplicate-of-built",
                        f"new entry names {known[key]} ({key}), already in the dataset",
                        e,
                        result,
                        level=Level.ERROR,
                        action="not added; the paper exists",
                    )
                )
                break
    for s in result.sections:
        if s.title not in labels:
            issues.append(
                _issue(
                    "lint.new-section",
                    f"section {s.title!r} is not one of the "
                    "built list's sections (Contributing.md: sections are not to "
                    "be added or modified)",
                    s.prov.line,
                    result,
                )
            )
    return issues
