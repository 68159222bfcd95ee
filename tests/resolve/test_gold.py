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

from pathlib import Path

import pytest
from resolve_helpers import pairwise, read_gold

from dlkg.model import Resolution
from dlkg.normalize import clean_name_text
from dlkg.resolve import resolve
from helpers import CURATION, parse_all

pytestmark = pytest.mark.upstream


@pytest.fixture(scope="module")
def resolution(upstream_dir: Path) -> Resolution:
    return resolve(parse_all(upstream_dir), curation_dir=CURATION)


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
