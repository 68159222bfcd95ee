"""Record builders and lookups shared by the resolve tests (hand-built records of the five
sources; list ids come from the source-kind registry)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path
from typing import TypeVar

from dlkg import sources
from dlkg.model import Resolution
from dlkg.records import BibEntry, Entry, KeyResearcher, Link, ParseResult, Provenance
from dlkg.resolve import resolve
from dlkg.resolve.keys import format_registry, updated_rows

ROOT = Path(__file__).resolve().parent.parent.parent
GOLD = ROOT / "tests" / "gold"
# The file name each source's records cite (what users see in file:line).
FILE_NAMES = {
    "awesome-readme": "README.md",
    "roadmap-readme": "README.md",
    "zh-awesome": "zh-awesome-most-cited.md",
    "zh-roadmap-blog": "zh-roadmap-blog-part2.md",
}
ARX = "https://arxiv.org/abs/"


def entry(
    source: str,
    line: int,
    title: str,
    *authors: str,
    year: int | None = None,
    links: tuple[str, ...] = (),
    section: str = "s",
    complete: bool = True,
    venue: str | None = None,
    lang: str = "en",
) -> Entry:
    kind = sources.of_source(source)
    assert kind is not None and kind.list_id is not None, source
    list_id, path = kind.list_id, FILE_NAMES[source]
    return Entry(
        list_id=list_id,
        section_key=section,
        position=line,
        title=title,
        title_lang=lang,
        prov=Provenance(source, path, line),
        year=year,
        authors=authors,
        authors_complete=complete,
        venue=venue,
        links=tuple(Link(url, "pdf") for url in links),
    )


def bib(
    line: int,
    key: str,
    title: str,
    *authors: str,
    year: int | None = None,
    venue: str | None = None,
    complete: bool = True,
) -> BibEntry:
    prov = Provenance("awesome-bib", "top100papers.bib", line)
    return BibEntry(key, "article", title, authors, prov, complete, year, venue)


def run(*records: Entry | BibEntry | KeyResearcher, curation: Path | None = None) -> Resolution:
    results: dict[str, ParseResult] = {}
    for r in records:
        result = results.setdefault(r.prov.source_id, ParseResult(r.prov.source_id))
        if isinstance(r, Entry):
            result.entries.append(r)
        elif isinstance(r, BibEntry):
            result.bib_entries.append(r)
        else:
            result.key_researchers.append(r)
    return resolve(list(results.values()), curation_dir=curation)


def paper_of(res: Resolution, source: str, line: int) -> str:
    for item in res.items:
        if (item.entry.prov.source_id, item.entry.prov.line) == (source, line):
            return item.paper_key
    for b, key in res.bib_entries:
        if (b.prov.source_id, b.prov.line) == (source, line):
            return key or ""
    raise KeyError((source, line))


def person_of(res: Resolution, source: str, line: int, written: str) -> str:
    for m in res.person_mentions:
        if (m.prov.source_id, m.prov.line, m.name_as_written) == (source, line, written):
            return m.person_key
    raise KeyError((source, line, written))


def codes(res: Resolution) -> list[str]:
    return [i.code for i in res.issues]


def write_curation(tmp_path: Path, *rows: str) -> Path:
    (tmp_path / "decisions.tsv").write_text(
        "kind\tsubject\tobject\treason\n" + "".join(r + "\n" for r in rows), encoding="utf-8"
    )
    return tmp_path


def register(folder: Path, res: Resolution) -> Path:
    """Write keys.tsv for every node of `res` into `folder` (what --update does)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = format_registry(updated_rows(res.key_anchors, None, prune=False))
    (folder / "keys.tsv").write_text(text, encoding="utf-8")
    return folder


def keys_by_record(res: Resolution) -> dict[tuple[str, int, str], str]:
    """Paper key of every record and person key of every written name."""
    out = {(i.entry.prov.source_id, i.entry.prov.line, ""): i.paper_key for i in res.items}
    out.update({(b.prov.source_id, b.prov.line, ""): k or "" for b, k in res.bib_entries})
    for m in res.person_mentions:
        out[(m.prov.source_id, m.prov.line, m.name_as_written)] = m.person_key
    return out


def read_gold(name: str) -> Iterator[dict[str, str]]:
    """The rows of a gold file of tests/gold (tab-separated, a header row)."""
    with (GOLD / name).open(encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f, delimiter="\t")


K = TypeVar("K", bound=tuple[str, ...])


def pairwise(gold: dict[K, str], found: dict[K, str]) -> tuple[float, float, list[str]]:
    """Pairwise precision and recall of `found` clusters against `gold` clusters."""
    tp = fp = fn = 0
    errors = []
    for a, b in combinations(sorted(gold), 2):
        same_gold, same_found = gold[a] == gold[b], found[a] == found[b]
        tp += same_gold and same_found
        if same_found and not same_gold:
            fp += 1
            errors.append(f"merged but different: {a} ({gold[a]}) / {b} ({gold[b]})")
        if same_gold and not same_found:
            fn += 1
            errors.append(f"same but apart: {a} -> {found[a]} / {b} -> {found[b]}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, errors


def gold_scores(res: Resolution) -> dict[str, tuple[float, float, list[str]]]:
    """Pairwise precision, recall and errors of papers and persons against tests/gold."""
    from dlkg.normalize import clean_name_text

    papers = {(i.entry.prov.source_id, str(i.entry.prov.line)): i.paper_key for i in res.items}
    for b, key in res.bib_entries:
        papers[(b.prov.source_id, str(b.prov.line))] = key or ""
    gold = {(r["source"], r["line"]): r["paper"] for r in read_gold("papers.tsv")}
    out = {"papers": pairwise(gold, {k: papers[k] for k in gold})}
    people = {
        (m.prov.source_id, str(m.prov.line), clean_name_text(m.name_as_written)): m.person_key
        for m in res.person_mentions
    }
    gold_people = {
        (r["source"], r["line"], clean_name_text(r["name"])): r["person"]
        for r in read_gold("people.tsv")
    }
    out["persons"] = pairwise(gold_people, {k: people[k] for k in gold_people})
    return out
