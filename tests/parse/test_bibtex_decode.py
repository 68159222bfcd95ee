"""The BibTeX decoder's fast path: a value without LaTeX skips pylatexenc (issue 13), and must
decode to exactly what pylatexenc would have made of it."""

from __future__ import annotations

import re
from pathlib import Path

import bibtexparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pylatexenc.latex2text import LatexNodes2Text

from dlkg.parse import bibtex
from dlkg.parse.bibtex import _LATEX_SPECIAL, _Decoder, parse_bibtex


def _pylatexenc(value: str) -> str:
    """What the parser did for every value before the fast path."""
    escaped = re.sub(r"(?<!\\)%", r"\\%", value)
    return " ".join(LatexNodes2Text(math_mode="verbatim").latex_to_text(escaped).split())


# ASCII and the scripts of the lists, weighted to the characters near the special ones
_TEXT = st.text(
    alphabet=st.sampled_from(
        list("aZ09 .,;:()[]<>|/+=*@\"'`-!?\n\t") + list("éüß中文《》–—’“”\u00a0\\{}$~%^_&#")
    ),
    max_size=24,
)


@settings(max_examples=3000, deadline=None)
@given(value=_TEXT)
def test_a_value_decodes_as_pylatexenc_decodes_it(value: str) -> None:
    # with LaTeX or without: through the fast path or the parser, the same text
    text, error = _Decoder().decode(value)
    assert error is None
    assert text == _pylatexenc(value)


@pytest.mark.parametrize(
    "value",
    ["Jean-Pierre O'Neil", "a--b", "``quoted''", "¡Hola!`", '{\\"u}ber', "50% off", "x_1^2"],
)
def test_the_fast_path_is_taken_only_without_latex(value: str) -> None:
    plain = not _LATEX_SPECIAL.search(value)
    assert plain == (value == "Jean-Pierre O'Neil")
    assert _Decoder().decode(value)[0] == _pylatexenc(value)


def test_every_value_of_the_real_file_decodes_as_before(upstream_dir: Path) -> None:
    (path,) = upstream_dir.glob("*/top100papers.bib")
    library = bibtexparser.parse_string(path.read_text(encoding="utf-8"))
    values = [str(f.value) for entry in library.entries for f in entry.fields]
    assert len(values) > 500
    decoder = _Decoder()
    assert [decoder.decode(v)[0] for v in values] == [_pylatexenc(v) for v in values]
    assert sum(not _LATEX_SPECIAL.search(v) for v in values) > len(values) / 2


def test_a_value_the_decoder_fails_on_is_reported_on_every_entry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the decoder remembers a value's text, and its failure: reported once per entry using it
    def fail(*_args: object, **_kwargs: object) -> str:
        raise ValueError("boom")

    monkeypatch.setattr(bibtex.LatexNodes2Text, "latex_to_text", fail)
    text = "".join(
        f'@article{{k{n},\n  title = {{T{n}}},\n  author = {{J{{\\"u}}rgen Schmidhuber}},\n'
        "  year = {2015}\n}\n"
        for n in range(3)
    )
    result = parse_bibtex(text)
    assert [r.authors for r in result.bib_entries] == [('J{\\"u}rgen Schmidhuber',)] * 3
    failed = [i for i in result.issues if i.code == "bib.latex"]
    assert [i.where.line for i in failed if i.where] == [1, 6, 11]
    assert all("boom" in i.message for i in failed)
