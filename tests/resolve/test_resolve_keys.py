"""Stable keys: the key registry data/curation/keys.tsv on hand-built records."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from resolve_helpers import (
    bib,
    codes,
    entry,
    keys_by_record,
    paper_of,
    person_of,
    register,
    run,
)

from dlkg.resolve.curation import (
    CurationError,
)
from dlkg.resolve.keys import format_registry, parse_registry, updated_rows

# -- stable keys: the key registry ---------------------------------------------------------------


HINTON_PAPERS = (
    bib(
        1,
        "hinton2015distilling",
        "Distilling the knowledge",
        "Hinton, Geoffrey",
        year=2015,
        venue="arXiv preprint arXiv:1503.02531",
    ),
    entry("awesome-readme", 13, "Fast R-CNN", "R. Girshick", year=2015),
    bib(262, "girshick2015fast", "Fast r-cnn", "Girshick, Ross", year=2015),
    entry(
        "awesome-readme",
        72,
        "Distilling the knowledge in a neural network",
        "G. Hinton",
        year=2015,
        links=("http://arxiv.org/pdf/1503.02531",),
        complete=False,
    ),
    entry("roadmap-readme", 29, "Deep learning", "LeCun, Yann", "Geoffrey Hinton", year=2015),
    entry("roadmap-readme", 288, "Neural machine translation of rare words", "Sennrich", year=2016),
)


def test_registered_keys_survive_colliding_newcomers(tmp_path: Path) -> None:
    first = run(*HINTON_PAPERS)
    assert paper_of(first, "awesome-readme", 13) == "fast-r-cnn"
    assert person_of(first, "roadmap-readme", 29, "Geoffrey Hinton") == "hinton-g"
    folder = register(tmp_path / "curation", first)
    newcomers = (
        entry("awesome-readme", 5, "Fast R-CNN", "Z. Foo", year=2019, complete=False),
        entry("awesome-readme", 6, "Learning to juggle", "Gerald Hinton", "Q. Bar", year=2017),
        entry("awesome-readme", 7, "Juggling five balls", "Sennrich", "Q. Bar", year=2018),
    )
    # the rules alone re-key every member of a collision group ...
    unregistered = run(*HINTON_PAPERS, *newcomers)
    assert paper_of(unregistered, "awesome-readme", 13) == "fast-r-cnn-2015"
    assert person_of(unregistered, "roadmap-readme", 29, "Geoffrey Hinton") == "hinton-geoffrey"
    # ... the registry keeps the registered keys and suffixes only the newcomers
    second = run(*HINTON_PAPERS, *newcomers, curation=folder)
    assert keys_by_record(second) | keys_by_record(first) == keys_by_record(second)
    assert paper_of(second, "awesome-readme", 5) == "fast-r-cnn-2019"
    assert person_of(second, "awesome-readme", 6, "Gerald Hinton") == "hinton-gerald"
    new = sorted(i.message.split("'")[1] for i in second.issues if i.code == "resolve.new-key")
    assert new == [
        "bar-q",
        "fast-r-cnn-2019",
        "foo-z",
        "hinton-gerald",
        "juggling-five-balls",
        "learning-to-juggle",
    ]
    assert "resolve.key-unmatched" not in codes(second)


def test_a_family_only_key_stays_when_the_first_name_appears(tmp_path: Path) -> None:
    before = entry("roadmap-readme", 288, "Neural machine translation", "Sennrich", year=2016)
    folder = register(tmp_path, run(before))
    after = run(replace(before, authors=("R. Sennrich",)), curation=folder)
    assert person_of(after, "roadmap-readme", 288, "R. Sennrich") == "sennrich"
    assert not [i for i in after.issues if i.code.startswith("resolve.")]


def test_a_registered_title_key_survives_a_corrected_title(tmp_path: Path) -> None:
    typo = entry(
        "roadmap-readme",
        95,
        "Understanding the difficulty of training deep forward neural networks",
        "Glorot Xavier",
        year=2010,
    )
    folder = register(tmp_path, run(typo))
    fixed = replace(typo, title=typo.title.replace("forward", "feedforward"))
    res = run(fixed, curation=folder)
    assert paper_of(res, "roadmap-readme", 95) == (
        "understanding-the-difficulty-of-training-deep-forward-neural-networks"
    )


def test_a_registered_key_matching_nothing_is_reported_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "keys.tsv").write_text(
        "kind\tkey\tanchors\n"
        "paper\tarxiv-1503.02531\tarxiv:1503.02531 | title:distilling the knowledge\n"
        "paper\tgone-paper\ttitle:a paper removed from the sources | year:2001\n",
        encoding="utf-8",
    )
    res = run(HINTON_PAPERS[3], curation=tmp_path)
    stale = [i for i in res.issues if i.code == "resolve.key-unmatched"]
    assert [str(i.where) for i in stale] == ["keys.tsv:3"] and "gone-paper" in stale[0].message
    assert "arxiv-1503.02531" in res.papers


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kind\tkey\n", "header"),
        ("kind\tkey\tanchors\nbook\tx\ttitle:x\n", "kind"),
        ("kind\tkey\tanchors\npaper\tx\tyear:2001 | author:foo\n", "no identifying anchor"),
        ("kind\tkey\tanchors\npaper\tx\ttitle:x\npaper\tx\ttitle:y\n", "registered twice"),
    ],
)
def test_malformed_registry_rows_name_their_line(text: str, message: str) -> None:
    with pytest.raises(CurationError, match=message) as info:
        parse_registry(text, "keys.tsv")
    assert "keys.tsv:" in str(info.value)


def test_an_update_keeps_registered_keys_of_vanished_nodes_unless_pruned() -> None:
    old = parse_registry("kind\tkey\tanchors\npaper\tgone\ttitle:gone\n")
    current = [("paper", "kept", ("title:kept",))]
    assert {r.key for r in updated_rows(current, old, prune=False)} == {"gone", "kept"}
    assert {r.key for r in updated_rows(current, old, prune=True)} == {"kept"}
    text = format_registry(updated_rows(current, old, prune=False))
    assert format_registry(parse_registry(text)) == text


def test_the_registry_keeps_a_person_a_newcomer_makes_ambiguous(tmp_path: Path) -> None:
    records = (
        entry("awesome-readme", 241, "A practical guide to RBMs", "G. Hinton", year=2010),
        entry("roadmap-readme", 29, "Deep learning", "LeCun, Yann", "Geoffrey Hinton", year=2015),
    )
    first = run(*records)
    assert person_of(first, "awesome-readme", 241, "G. Hinton") == "hinton-g"
    gerald = entry("awesome-readme", 6, "Learning to juggle", "Gerald Hinton", year=2017)
    # "G. Hinton" now fits two people: the rules alone keep it apart ...
    alone = run(*records, gerald)
    assert person_of(alone, "awesome-readme", 241, "G. Hinton") != person_of(
        alone, "roadmap-readme", 29, "Geoffrey Hinton"
    )
    # ... the registry remembers that name on that paper as Geoffrey Hinton
    res = run(*records, gerald, curation=register(tmp_path, first))
    assert person_of(res, "awesome-readme", 241, "G. Hinton") == "hinton-g"
    assert person_of(res, "roadmap-readme", 29, "Geoffrey Hinton") == "hinton-g"
    assert "registered-person" in {m.rule for m in res.merges}
