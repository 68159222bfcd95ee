"""The resolver against a hand-made gold sample of the real sources (tests/gold/*.tsv).

The gold files were written by reading the five sources, not by running the resolver:
`papers.tsv` lists every occurrence (source id, line) of 135 papers named in two or more
sources; `people.tsv` lists 261 written names (source id, line, name as written) of 60 people,
including the hard cases (Loffe/Ioffe, N. vs R. Srivastava, "Glorat Xavier", the van den Oord
forms, Fei-Fei Li, "He, Gkioxari", "Sutskever, et al.", "G. Hinton等人").

Both are scored pairwise: every two gold records that are (or are not) the same paper/person
must be merged (or kept apart) by the resolver. Precision and recall must both be 1.0.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path
from typing import TypeVar

import pytest

from dlkg.model import Resolution
from dlkg.normalize import clean_name_text
from dlkg.resolve import resolve
from helpers import CURATION, GOLD, parse_all

pytestmark = pytest.mark.upstream


@pytest.fixture(scope="module")
def resolution(upstream_dir: Path) -> Resolution:
    return resolve(parse_all(upstream_dir), curation_dir=CURATION)


def read_gold(name: str) -> Iterator[dict[str, str]]:
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


def test_gold_files_are_big_enough() -> None:
    papers: dict[str, set[str]] = {}
    for row in read_gold("papers.tsv"):
        papers.setdefault(row["paper"], set()).add(row["source"])
    assert sum(len(sources) >= 2 for sources in papers.values()) >= 60
    people: dict[str, set[str]] = {}
    for row in read_gold("people.tsv"):
        people.setdefault(row["person"], set()).add(row["name"])
    assert len(people) >= 40
    assert sum(len(names) for names in people.values()) >= 80


def test_paper_merges_match_the_gold(resolution: Resolution) -> None:
    found_key = {
        (i.entry.prov.source_id, str(i.entry.prov.line)): i.paper_key for i in resolution.items
    }
    for bib, key in resolution.bib_entries:
        found_key[(bib.prov.source_id, str(bib.prov.line))] = key or ""
    gold = {(r["source"], r["line"]): r["paper"] for r in read_gold("papers.tsv")}
    missing = sorted(set(gold) - set(found_key))
    assert not missing, f"gold records the parsers did not produce: {missing}"
    precision, recall, errors = pairwise(gold, {k: found_key[k] for k in gold})
    assert (precision, recall) == (1.0, 1.0), "\n".join(errors)


def test_person_merges_match_the_gold(resolution: Resolution) -> None:
    found_key = {
        (m.prov.source_id, str(m.prov.line), clean_name_text(m.name_as_written)): m.person_key
        for m in resolution.person_mentions
    }
    gold = {
        (r["source"], r["line"], clean_name_text(r["name"])): r["person"]
        for r in read_gold("people.tsv")
    }
    missing = sorted(set(gold) - set(found_key))
    assert not missing, f"gold names the parsers did not produce: {missing}"
    precision, recall, errors = pairwise(gold, {k: found_key[k] for k in gold})
    assert (precision, recall) == (1.0, 1.0), "\n".join(errors)
