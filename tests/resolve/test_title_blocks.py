"""Blocking of the fuzzy title rule (dlkg/resolve/title_blocks.py, docs/resolution.md).

Crafted near misses among titles made only of frequent words (every word of the background is
in more than RARE_MAX titles, so no rare-word block helps): the exact blocking keys must still
find one changed, dropped or added word, spacing and word order; two changed words among
frequent words are not found (the documented limit). Then the count grows linearly, and an
end-to-end merge through the resolver with the frequent-word background present.
"""

from __future__ import annotations

import itertools
import random

import pytest
from resolve_helpers import entry, paper_of, run

from dlkg.normalize import title_key
from dlkg.resolve.title_blocks import NEIGHBOURS, RARE_MAX, block_words, candidate_pairs

WORDS = "deep neural networks learning convolutional image recognition training models visual"
# 12 words, 4 at a time: 495 titles, each word in 165 of them (> RARE_MAX)
VOCABULARY = [*WORDS.split(), "recurrent", "generative"]
BACKGROUND = [" ".join(c) for c in itertools.combinations(VOCABULARY, 4)]


def found(a: str, b: str, background: list[str] = BACKGROUND) -> bool:
    """Whether the blocking makes (a, b) a candidate pair among `background`."""
    names = sorted({title_key(t) for t in [*background, a, b]})
    ka, kb = sorted((title_key(a), title_key(b)))
    want = (names.index(ka), names.index(kb))
    return want in set(candidate_pairs(names))


def test_the_background_has_only_frequent_words() -> None:
    counts = {w: sum(w in t.split() for t in BACKGROUND) for w in VOCABULARY}
    assert min(counts.values()) > RARE_MAX


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # a typo in one word (the base title is itself in the background)
        ("deep neural networks learning", "deep nueral networks learning"),
        ("deep neural networks learning", "deep neural network learning"),  # a plural
        ("image recognition training models", "image recognition trainings models"),
        # a word changed for another frequent word (both titles made only of frequent words)
        ("deep neural networks learning", "deep visual networks learning"),
        # a word dropped or added, first, inside or last
        ("deep neural networks learning", "neural networks learning"),
        ("deep neural networks learning", "deep networks learning"),
        ("deep neural networks learning", "deep neural networks learning recurrent"),
        ("deep neural networks learning", "generative deep neural networks learning"),
        # spacing: "R-CNN" and "R CNN" have one title key already, "RCNN" not
        ("Fast R-CNN", "Fast RCNN"),
        ("deep neural networks learning", "deepneural networks learning"),
        # word order
        ("deep neural networks learning", "learning deep neural networks"),
        ("image recognition training models", "models training image recognition"),
    ],
)
def test_near_misses_among_frequent_words_are_candidates(a: str, b: str) -> None:
    assert found(a, b)


def test_two_changed_words_among_frequent_words_are_not_found() -> None:
    # the documented limit: no rare word shared, more than one word apart
    assert not found("deep neural networks learning", "deep nueral networks lerning")
    # ... but the same pair is found as soon as the titles share a rare word
    assert found("deep neural networks learning zebra", "deep nueral networks lerning zebra")


def test_a_shared_rare_word_makes_a_candidate_whatever_else_differs() -> None:
    assert found(
        "Squeezenet: AlexNet-level accuracy with 50x fewer parameters and <0.5MB model size",
        "SqueezeNet: AlexNet-level accuracy with 50x fewer parameters and< 1MB model size",
    )
    assert found(
        "Mind's eye: A recurrent visual representation for image caption generation",
        "Learning a recurrent visual representation for image caption generation",
    )


def test_chinese_titles_block_on_character_bigrams() -> None:
    assert sorted(block_words("深度网络")) == ["度网", "深度", "网络"]
    assert found("深度卷积神经网络", "深度卷积神经网路", background=[])
    assert not found("深度卷积神经网络", "强化学习", background=[])


def test_every_pair_comes_once_in_order() -> None:
    names = sorted({title_key(t) for t in BACKGROUND[:200]})
    pairs = list(candidate_pairs(names))
    assert pairs == sorted(set(pairs)) and all(i < j for i, j in pairs)


def synthetic(n: int, seed: int = 7) -> list[str]:
    """n titles of frequent words plus one made-up name each, like the growth benchmark's."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not cryptography
    titles = {f"{' '.join(rng.sample(VOCABULARY[:5], 3))} zz{i:x}net" for i in range(n)}
    return sorted(titles)


def test_candidate_pairs_grow_linearly() -> None:
    # 60 orders of 3 of 5 words: the blocks that leave the name out are full at 2,000 titles
    small, big = synthetic(2_000), synthetic(20_000)
    c_small, c_big = len(list(candidate_pairs(small))), len(list(candidate_pairs(big)))
    assert c_small > 0
    # all pairs would grow 100x
    assert 8 < c_big / c_small < 12, (c_small, c_big)


def test_a_big_exact_block_scores_neighbours_only() -> None:
    names = sorted(f"deep zz{i:x}net" for i in range(1_000))  # all leave out to "deep"
    pairs = list(candidate_pairs(names))
    assert len(pairs) <= len(names) * NEIGHBOURS
    assert (0, 1) in pairs and (0, NEIGHBOURS) in pairs and (0, NEIGHBOURS + 1) not in pairs


def test_a_typo_merges_among_many_titles_of_frequent_words() -> None:
    records = [
        entry("awesome-readme", 10 + n, title, f"A{n}. Author{n}", year=2015)
        for n, title in enumerate(BACKGROUND)
    ]
    res = run(
        *records,
        entry("roadmap-readme", 1, "deep nueral networks learning", "Author0, A.", year=2015),
    )
    # "deep neural networks learning" is BACKGROUND[0], by A0. Author0, listed at line 10
    assert paper_of(res, "roadmap-readme", 1) == paper_of(res, "awesome-readme", 10)
    assert any(m.rule == "title-fuzzy" for m in res.merges)
