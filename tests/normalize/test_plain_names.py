"""Shortcuts of name and text normalisation (issue 13) give what the general path gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nameparser.config import CONSTANTS

from dlkg.fetch import fetch_all, load_manifest
from dlkg.normalize import names
from dlkg.normalize.names import PersonName, parse_person_name
from dlkg.normalize.titles import _fold_unicode, fold
from dlkg.parse import parse_text


def _split(text: str) -> PersonName:
    """`parse_person_name` without its cache: each call splits the name afresh."""
    return parse_person_name.__wrapped__(text)  # type: ignore[attr-defined,no-any-return]


def _through_nameparser(text: str) -> PersonName:
    """`parse_person_name` as it was: every such name through nameparser."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(names, "plain_name", lambda _tokens: False)
        return _split(text)


_WORD = st.text(alphabet=st.sampled_from(list("abcdeyzABCDEYZéüÜßçłØ'’-")), min_size=1, max_size=8)
_INITIALS = st.sampled_from(["A.", "E.", "Y.", "J.-P.", "JR", "II", "GE", "M"])
_NAMEPARSER = st.sampled_from(
    sorted({*list(CONSTANTS.titles)[:40], *CONSTANTS.conjunctions, *CONSTANTS.prefixes})[:120]
)
_TOKEN = st.one_of(_WORD, _INITIALS, _NAMEPARSER, _WORD.map(str.title))


@settings(max_examples=3000, deadline=None)
@given(tokens=st.lists(_TOKEN, min_size=2, max_size=3))
def test_a_plain_name_splits_as_nameparser_splits_it(tokens: list[str]) -> None:
    text = " ".join(tokens)
    assert _split(text) == _through_nameparser(text)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("Geoffrey Hinton", True),
        ("S. Velubode", True),
        ("Rupesh F. Satobapo", True),
        ("Y. Boureau", False),  # "y" is one of nameparser's conjunctions
        ("Jimmy Ba", False),  # "ba": a suffix (B.A.)
        ("Quoc V. Le", False),  # "le": a particle
        ("Mark Judge", False),  # a title
    ],
)
def test_plain_names_are_the_common_forms_only(text: str, plain: bool) -> None:
    assert names.plain_name(text.split()) is plain


def test_every_name_of_the_real_sources_splits_as_before(
    upstream_dir: Path, sources_dir: Path, tmp_path: Path
) -> None:
    specs = load_manifest(sources_dir.parent / "sources.toml")
    fetched = fetch_all(specs, cache_dir=tmp_path, mirror_dir=upstream_dir, offline=True)
    written: set[str] = set()
    for source in fetched:
        spec = source.spec
        result = parse_text(spec.kind, source.text, source_id=spec.id, path=spec.file_name)
        written.update(a for e in result.entries for a in e.authors)
        written.update(a for b in result.bib_entries for a in b.authors)
    assert len(written) > 500
    plain = 0
    for text in sorted(written):
        plain += names.plain_name(names.clean_name_text(text).split())
        assert _split(text) == _through_nameparser(text)
    assert plain > 200  # most of them skip nameparser


@settings(max_examples=2000, deadline=None)
@given(text=st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_text_folds_as_unicode_folding_folds_it(text: str) -> None:
    # `fold` lower-cases ASCII text without NFKC/NFKD and the cache (issue 13)
    assert fold(text) == _fold_unicode(text)
