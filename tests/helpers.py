"""Helpers the tests share (import with `from helpers import ...`; tests never import each other).

`tests/` is on sys.path because pytest imports `tests/conftest.py` from there (rootdir-style
"prepend" import mode), so this works from every sub-folder.
"""

from __future__ import annotations

from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
FIXTURES = TESTS_DIR / "fixtures"
GOLD = TESTS_DIR / "gold"
QUERIES = REPO_ROOT / "queries"

# Counted independently of the parser: `- ` bullets per `###` heading / `*(...)*` sub-heading,
# e.g. awk '/^### /{s=$0} /^\*\(.*\)\*$/{u=$0} /^- /{c[s u]++}' on the pinned README.
AWESOME_SECTION_COUNTS = {
    "understanding-generalization-transfer": 7,
    "optimization-training-techniques": 7,
    "unsupervised-generative-models": 7,
    "convolutional-neural-network-models": 12,
    "image-segmentation-object-detection": 8,
    "image-video-etc": 11,
    "natural-language-processing-rnns": 18,
    "speech-other-domain": 6,
    "reinforcement-learning-robotics": 9,
    "more-papers-from-2016": 15,
    "new-papers": 16,
    "old-papers": 16,
    "hw-sw-dataset": 8,
    "book-survey-review": 10,
    "video-lectures-tutorials-blogs/lectures": 3,
    "video-lectures-tutorials-blogs/tutorials": 5,
    "video-lectures-tutorials-blogs/blogs": 7,
    "appendix-more-than-top-100/2016": 26,
    "appendix-more-than-top-100/2015": 31,
    "appendix-more-than-top-100/2014": 16,
}
