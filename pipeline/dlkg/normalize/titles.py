"""Text folding and title keys: how two spellings of a title (or a word) are compared."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

_APOSTROPHES = re.compile(r"['’‘`´{}]")  # dropped, not spaced: "Mind's" = "Minds", "{B}" = "B"
NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """NFKC, accents removed, case folded: 'Aäron' -> 'aaron'. CJK characters are kept."""
    # ASCII text is its own NFKC and NFKD and has no accents: only its case folds (most of
    # the texts folded; they no longer crowd the others out of the cache)
    return text.lower() if text.isascii() else _fold_unicode(text)


@lru_cache(maxsize=65536)
def _fold_unicode(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def word_key(text: str) -> str:
    """Folded letters and digits only: "Ming-Hsuan" -> "minghsuan"."""
    return NON_WORD.sub("", fold(text))


def title_key(title: str) -> str:
    """The comparison form of a title: folded, LaTeX braces and punctuation gone, hyphens as
    spaces, apostrophes dropped ("Mind's" = "Minds"), single spaces.

    >>> title_key("Fast R-CNN.")
    'fast r cnn'
    >>> title_key("{B}inarized ... to+ 1 or−1")
    'binarized to 1 or 1'
    """
    text = fold(title.replace("&", " and ").replace("\\", " "))
    text = _APOSTROPHES.sub("", text)
    return " ".join(NON_WORD.sub(" ", text).split())


def clean_title(title: str) -> str:
    """A title for display: one line, no markdown emphasis, no wrapping quotes or final period."""
    # Invisible and replacement characters (U+FFFC in one awesome-list title) are not text;
    # ASCII has none (its controls are Cc, not Cf), so most titles skip the look-up per character
    visible = (
        title
        if title.isascii()
        else "".join(
            c for c in title if unicodedata.category(c) != "Cf" and c not in "\ufffc\ufffd"
        )
    )
    text = " ".join(visible.replace("**", "").split())
    text = text.strip("\"“”'‘’ ")
    if text.endswith(".") and not text.endswith("..."):
        text = text[:-1].rstrip()
    return text


def title_similarity(a: str, b: str) -> float:
    """rapidfuzz ratio of two title keys, 0-100."""
    return float(fuzz.ratio(title_key(a), title_key(b)))


__all__ = ["NON_WORD", "clean_title", "fold", "title_key", "title_similarity", "word_key"]
