"""The whole resolve step: determinism, sections passing through, stated values, explain."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from resolve_helpers import (
    bib,
    entry,
    keys_by_record,
    run,
)

from dlkg.errors import UsageError
from dlkg.explain import explain
from dlkg.records import BibEntry, Entry, ParseResult, Provenance, Section
from dlkg.resolve import resolve

# -- determinism, sections, explain ---------------------------------------------------------------

POOL: list[Entry | BibEntry] = [
    entry(
        "awesome-readme",
        10,
        "Deep residual learning for image recognition",
        "K. He",
        year=2016,
        links=("http://arxiv.org/pdf/1512.03385",),
        complete=False,
    ),
    entry(
        "roadmap-readme",
        45,
        "Deep residual learning for image recognition",
        "He, Kaiming",
        year=2015,
        links=("https://arxiv.org/pdf/1512.03385.pdf",),
        complete=False,
    ),
    entry(
        "awesome-readme",
        11,
        "Deep learning",
        "Goodfellow",
        year=2016,
        links=("http://www.deeplearningbook.org/",),
        complete=False,
    ),
    entry(
        "roadmap-readme",
        25,
        "Deep learning",
        "Bengio, Yoshua",
        "Ian J. Goodfellow",
        "Aaron Courville",
        year=2015,
        links=("http://www.deeplearningbook.org/",),
    ),
    entry("awesome-readme", 12, "Deep learning", "Y. LeCun", "Y. Bengio", "G. Hinton", year=2015),
    entry("awesome-readme", 13, "Fast R-CNN", "R. Girshick", year=2015),
    bib(262, "girshick2015fast", "Fast r-cnn", "Girshick, Ross", year=2015),
    entry("zh-awesome", 14, "快速R-CNN", "R. Girshick", year=2015, lang="zh-Hans"),
    # one paper worded two ways in one source: which wording names it must not depend on order
    entry(
        "awesome-readme",
        127,
        "Learning hierarchical features for scene labeling",
        "C. Farabet",
        year=2013,
        complete=False,
    ),
    entry(
        "awesome-readme",
        375,
        "Learning hierarchical features for scene labelling",
        "C. Farabet",
        year=2013,
        complete=False,
    ),
]


@settings(max_examples=30, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(min_value=0, max_value=5))
def test_keys_do_not_change_when_records_are_shuffled_or_unrelated_ones_added(
    rnd: random.Random, extra: int
) -> None:
    baseline = keys_by_record(run(*POOL))
    shuffled = list(POOL)
    rnd.shuffle(shuffled)
    unrelated = [
        entry(
            "awesome-readme",
            500 + i,
            f"Unrelated study number {i} of zebra finches",
            f"Q. Zzyzx{i}",
            year=1990 + i,
        )
        for i in range(extra)
    ]
    records = shuffled + unrelated
    rnd.shuffle(records)
    found = keys_by_record(run(*records))
    assert {k: found[k] for k in baseline} == baseline


def test_sections_pass_through_and_explain_tells_why() -> None:
    section = Section("awesome", "s", "S", "en", Provenance("awesome-readme", "README.md", 1))
    first, second = POOL[0], POOL[1]
    assert isinstance(first, Entry) and isinstance(second, Entry)
    result = ParseResult("awesome-readme", sections=[section], entries=[first])
    res = resolve([result, ParseResult("roadmap-readme", entries=[second])], curation_dir=None)
    assert res.sections == [section]
    text = explain(res, "paper/arxiv-1512.03385")
    assert "arxiv-id" in text and "roadmap-readme:45" in text and "awesome-readme:10" in text
    person = explain(res, "Kaiming")
    assert person.startswith("person he-k") and "same-paper-position" in person
    with pytest.raises(UsageError, match="nothing matches"):
        explain(res, "no such thing")


def test_explain_refuses_an_ambiguous_query_and_shows_the_zh_evidence() -> None:
    res = run(
        entry("awesome-readme", 2, "Theano: A Python framework", "R. Al-Rfou", section="hw"),
        entry("awesome-readme", 3, "Caffe: A framework", "Y. Jia", section="hw"),
        entry("zh-awesome", 173, "Theano：Python框架", "R. Al-Rfou", section="hw", lang="zh-Hans"),
    )
    with pytest.raises(UsageError, match="2 nodes match 'framework'") as info:
        explain(res, "framework")
    assert info.value.exit_code == 2 and "\n" not in str(info.value)
    text = explain(res, "Theano")
    # the evidence names what matched: section, year (none in either here), first authors
    assert "zh-section-year-first-author" in text
    assert "section hw, year none in either, first author 'R. Al-Rfou' ~ 'R. Al-Rfou'" in text


def test_entries_keep_their_stated_values() -> None:
    res = run(*POOL)
    stated = {(i.entry.prov.line, i.entry.title, i.entry.year) for i in res.items}
    assert (45, "Deep residual learning for image recognition", 2015) in stated
    replaced = [replace(e, year=None) for e in POOL if isinstance(e, Entry)]
    assert all(i.entry.year is None for i in run(*replaced).items)
