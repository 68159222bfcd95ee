"""The transposition lookup of the translation typo check (`_latin_typos`): found by sorted
letters instead of a scan of the vocabulary, with the scan's answers, first match first."""

from __future__ import annotations

from collections import Counter

from dlkg.checks.translation import _anagrams, _latin_typos
from dlkg.records import Entry, Provenance


def _blog(commentary: str) -> Entry:
    prov = Provenance("zh-roadmap-blog", "zh-roadmap-blog-part2.md", 7)
    return Entry("zh-roadmap-blog", "s", 1, "标题", "zh", prov, commentary=commentary)


def _typos(commentary: str, vocabulary: Counter[str]) -> list[str]:
    issues = _latin_typos(_blog(commentary), vocabulary, _anagrams(vocabulary))
    return [i.message for i in issues]


def test_a_transposed_word_is_named_with_the_word_it_misspells() -> None:
    vocabulary = Counter({"trick": 3, "dropout": 2, "trikc": 1})
    assert _typos("Dropout 可以作为一种 trikc 供选择", vocabulary) == ["'trikc' for 'trick'"]


def test_the_first_fitting_word_of_the_vocabulary_wins_as_in_the_scan() -> None:
    # "abab" is one transposition from both "abba" and "baab": the vocabulary's order decides
    assert _typos("abab", Counter({"abba": 2, "baab": 2})) == ["'abab' for 'abba'"]
    assert _typos("abab", Counter({"baab": 2, "abba": 2})) == ["'abab' for 'baab'"]


def test_words_used_once_vouch_for_nothing_and_known_words_are_no_typos() -> None:
    assert _typos("trikc", Counter({"trick": 1})) == []
    assert _typos("trick", Counter({"trick": 2, "trikc": 2})) == []
    assert _typos("kcirt", Counter({"trick": 2})) == []  # same letters, more than one swap
