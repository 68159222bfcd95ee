"""The fuzzy title rule's blocking finds on the real sources every pair the all-pairs scan found.

Pinned: every pair of English title keys of the five sources with rapidfuzz ratio >= 75 (the
near-miss threshold), found by scoring all pairs as the resolver did before blocking; each of
them must be a candidate pair of the blocking (title_blocks.py). Scoring a superset of those
pairs and dropping the rest below 75 is what the old code did, so merges and near misses are
the same; the three fuzzy-title merges are pinned too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rapidfuzz import fuzz, process

from dlkg.model import Resolution
from dlkg.normalize import title_key
from dlkg.resolve import resolve
from dlkg.resolve.base import MentionIdx, mention_of_bib, mention_of_entry
from dlkg.resolve.papers import TITLE_NEAR
from dlkg.resolve.title_blocks import candidate_pairs
from helpers import CURATION, parse_all

pytestmark = pytest.mark.upstream

PINNED = [
    (
        99.1,
        "a convolutional neural network for modeling sentences",
        "a convolutional neural network for modelling sentences",
    ),
    (
        76.4,
        "a convolutional neural network for modeling sentences",
        "convolutional neural networks for sentence classification",
    ),
    (
        75.7,
        "a convolutional neural network for modelling sentences",
        "convolutional neural networks for sentence classification",
    ),
    (
        97.6,
        (
            "binarized neural networks training deep neural networks with weights"
            " and activations constrained to 1 or 1"
        ),
        (
            "binarized neural networks training neural networks with weights and"
            " activations constrained to 1 or 1"
        ),
    ),
    (
        75.5,
        "continuous control with deep reinforcement learning",
        "human level control through deep reinforcement learning",
    ),
    (
        78.4,
        "continuous control with deep reinforcement learning",
        "playing atari with deep reinforcement learning",
    ),
    (
        99.5,
        (
            "deep compression compressing deep neural network with pruning trained"
            " quantization and huffman coding"
        ),
        (
            "deep compression compressing deep neural networks with pruning"
            " trained quantization and huffman coding"
        ),
    ),
    (
        80.0,
        "fast r cnn",
        "mask r cnn",
    ),
    (
        85.5,
        "fully convolutional networks for semantic segmentation",
        "learning deconvolution network for semantic segmentation",
    ),
    (
        76.1,
        "gated feedback recurrent neural networks",
        "pixel recurrent neural networks",
    ),
    (
        75.0,
        "generative adversarial nets",
        "least squares generative adversarial networks",
    ),
    (
        83.1,
        "imagenet classification with deep convolutional neural networks",
        "large scale video classification with convolutional neural networks",
    ),
    (
        77.1,
        "instance sensitive fully convolutional networks",
        "visual tracking with fully convolutional networks",
    ),
    (
        75.0,
        "learning a deep convolutional network for image super resolution",
        "learning deconvolution network for semantic segmentation",
    ),
    (
        90.9,
        "learning a recurrent visual representation for image caption generation",
        "minds eye a recurrent visual representation for image caption generation",
    ),
    (
        75.0,
        "openai",
        "openai gym",
    ),
    (
        80.3,
        "speech recognition with deep recurrent neural networks",
        "towards end to end speech recognition with recurrent neural networks",
    ),
    (
        96.9,
        ("squeezenet alexnet level accuracy with 50x fewer parameters and 0 5 mb model size"),
        "squeezenet alexnet level accuracy with 50x fewer parameters and 1mb model size",
    ),
    (
        75.8,
        "understanding convolutional neural networks",
        "visualizing and understanding convolutional networks",
    ),
    (
        97.2,
        "understanding the difficulty of training deep feedforward neural networks",
        "understanding the difficulty of training deep forward neural networks",
    ),
    (
        76.9,
        "very deep convolutional networks for large scale image recognition",
        "very deep convolutional networks for natural language processing",
    ),
    (
        84.0,
        "visualizing and understanding convolutional networks",
        "visualizing and understanding recurrent networks",
    ),
]
FUZZY_MERGES = {
    ("roadmap-readme:75", "arxiv-1602.02830"),  # "... training deep neural networks ..."
    (
        "roadmap-readme:95",
        "understanding-the-difficulty-of-training-deep-feedforward-neural-networks",
    ),
    ("awesome-readme:332", "arxiv-1411.5654"),  # "Mind's eye: ..." / "Learning a ..."
}


@pytest.fixture(scope="module")
def names(upstream_dir: Path) -> list[str]:
    results = parse_all(upstream_dir)
    mentions = [mention_of_entry(MentionIdx(0), e) for r in results for e in r.entries]
    mentions += [mention_of_bib(MentionIdx(0), b) for r in results for b in r.bib_entries]
    return sorted({title_key(m.title_en) for m in mentions if m.title_en} - {""})


def all_pairs(names: list[str]) -> list[tuple[float, str, str]]:
    """The scan the resolver did before blocking: every pair, in rapidfuzz's C loop."""
    found = []
    for i, name in enumerate(names):
        for other, score, _ in process.extract(
            name, names[i + 1 :], scorer=fuzz.ratio, score_cutoff=TITLE_NEAR, limit=None
        ):
            found.append((round(float(score), 1), name, other))
    return sorted(found, key=lambda p: (p[1], p[2]))


def test_the_all_pairs_scan_finds_the_pinned_pairs(names: list[str]) -> None:
    assert len(names) > 250
    assert all_pairs(names) == PINNED


def test_blocking_finds_every_pinned_pair(names: list[str]) -> None:
    candidates = {(names[i], names[j]) for i, j in candidate_pairs(names)}
    missing = [(a, b) for _, a, b in PINNED if (a, b) not in candidates]
    assert not missing
    # and far fewer than all pairs
    assert len(candidates) < len(names) * (len(names) - 1) // 4


@pytest.fixture(scope="module")
def resolution(upstream_dir: Path) -> Resolution:
    return resolve(parse_all(upstream_dir), curation_dir=CURATION)


def test_the_fuzzy_title_merges_of_the_real_data(resolution: Resolution) -> None:
    merges = {
        (m.record.split()[1], m.target_key) for m in resolution.merges if m.rule == "title-fuzzy"
    }
    assert merges == FUZZY_MERGES
    near = [n for n in resolution.near_misses if n.kind == "paper" and "title" in n.reason]
    assert len(near) == 16
