"""Which pairs of title keys the fuzzy title rule scores: blocking (docs/resolution.md, "Papers").

Scoring every pair of distinct title keys is quadratic (450 M pairs for the x100 growth inputs).
Two title keys are scored only when they share a *blocking key* (token blocking with block
purging, plus exact keys for the near misses token blocking cannot see; a standard scheme of
record linkage):

1. a **rare word**: a word that at most `RARE_MAX` title keys contain (a run of Chinese
   characters, which has no spaces, gives its character bigrams instead);
2. the **words without spaces**: "r cnn" / "rcnn", "0 5 mb" / "05mb" (hyphens, spacing);
3. for a key with **at most one rare word**: its words in **sorted order** (the same words in
   another order) and its words with **one word left out**, besides its own words (one word
   changed, a typo or a plural; one word dropped or added).

Kind 3 is needed only there: two keys one word apart that share no rare word each have at most
one rare word (the word that differs), so both write those keys. Blocks of kind 1 above
`RARE_MAX` are dropped (every title has "deep" or "networks"): two titles sharing only frequent
words are not scored. Such pairs are themselves quadratic in number (every two "... deep neural
networks" titles are 75 alike), so no linear rule can report them all. Blocks of kinds 2 and 3
are kept whatever their size, but in one above `EXACT_MAX` a key is only scored with the
`NEIGHBOURS` keys after it in alphabetical order (sorted neighbourhood): "deep X" titles by the
thousand all leave out X to "deep".

So a title key is scored with fewer than `RARE_MAX` others per rare word and about `NEIGHBOURS`
per exact key (its words plus three): the number of candidate pairs grows linearly with the
number of titles once blocks are full (before that, while blocks fill up, faster).
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TypeVar

RARE_MAX = 50  # a word in more title keys than this is frequent: no block of its own
NEIGHBOURS = 8  # in an exact-key block of more than 2 * NEIGHBOURS keys, each key is scored
# with the NEIGHBOURS keys after it in alphabetical order (sorted neighbourhood) only
EXACT_MAX = 2 * NEIGHBOURS
_K = TypeVar("_K", str, bytes)
# CJK ideographs, kana and hangul: languages written without spaces between words
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def block_words(key: str) -> set[str]:
    """The words of a title key used for blocking; a word with CJK characters gives its
    character bigrams (a Chinese title is one run of characters without spaces).

    >>> sorted(block_words("fast r cnn"))
    ['cnn', 'fast', 'r']
    >>> sorted(block_words("深度学习 gan"))
    ['gan', '学习', '度学', '深度']
    """
    words: set[str] = set()
    for word in key.split():
        if _CJK.search(word) and len(word) > 1:
            words.update(word[i : i + 2] for i in range(len(word) - 1))
        else:
            words.add(word)
    return words


def _digest(words: Sequence[str]) -> bytes:
    # 8 bytes instead of the joined string: one key per word of every title is kept at once,
    # and a collision (about 1 in 10^7 at 300k titles) only adds a pair to score, never a merge.
    return hashlib.blake2b(" ".join(words).encode(), digest_size=8).digest()


def exact_keys(key: str, rare_words: int) -> set[bytes]:
    """Blocking keys 2 and 3 of one title key (module docstring)."""
    words = key.split()
    keys = {b"s" + "".join(words).encode()}
    if rare_words <= 1:
        keys.add(b"o" + _digest(sorted(words)))
        keys.add(b"w" + _digest(words))
        if len(words) > 1:
            keys.update(b"w" + _digest(words[:i] + words[i + 1 :]) for i in range(len(words)))
    return keys


def candidate_pairs(names: Sequence[str]) -> Iterator[tuple[int, int]]:
    """Every pair (i, j), i < j, of positions in `names` (sorted distinct title keys) that
    share a blocking key, each once, in order of i.

    Memory: the blocks are the whole cost (about 3 KB per title key before), so a word's
    document frequency is counted without keeping every key's words, and a block of one
    title (most blocks: a title's own word variants) is its position, not a list."""
    df: Counter[str] = Counter()
    for name in names:
        df.update(block_words(name))
    rare: dict[str, int | list[int]] = {}
    exact: dict[bytes, int | list[int]] = {}
    blocks_of: list[tuple[tuple[str, ...], tuple[bytes, ...]]] = []
    for i, name in enumerate(names):
        mine = tuple(sorted(w for w in block_words(name) if df[w] <= RARE_MAX))
        for w in mine:
            _add(rare, w, i)  # positions are added in order: every block is sorted
        keys = tuple(sorted(exact_keys(name, len(mine))))
        for k in keys:
            _add(exact, k, i)
        blocks_of.append((mine, keys))
    del df
    for i, (mine, keys) in enumerate(blocks_of):
        found: set[int] = set()
        for w in mine:
            block = rare[w]
            if isinstance(block, list):
                found.update(block[bisect.bisect_right(block, i) :])
        for k in keys:
            block = exact[k]
            if isinstance(block, int):
                continue
            start = bisect.bisect_right(block, i)
            end = len(block) if len(block) <= EXACT_MAX else start + NEIGHBOURS
            found.update(block[start:end])
        for j in sorted(found):
            yield i, j


def _add(blocks: dict[_K, int | list[int]], key: _K, i: int) -> None:
    """Add position i to the block of `key`: a lone position until a second one comes."""
    block = blocks.get(key)
    if block is None:
        blocks[key] = i
    elif isinstance(block, int):
        blocks[key] = [block, i]
    else:
        block.append(i)


__all__ = ["EXACT_MAX", "NEIGHBOURS", "RARE_MAX", "block_words", "candidate_pairs", "exact_keys"]
