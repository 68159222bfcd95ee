"""nqtext writes every term as rdflib's N-Quads writer does: the same bytes, the same errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef
from rdflib.plugins.serializers.nt import _quoteLiteral

from dlkg import nqtext
from dlkg.iris import IriMinter
from dlkg.namespaces import XSD

TEXTS = ["", "plain", 'say "hi"', "back\\slash", "line\nbreak", "cr\r\n", "é 中文 \u2028", "\t\x0b"]


@pytest.mark.parametrize("value", TEXTS)
def test_string_literals(value: str) -> None:
    assert nqtext.text(value) == _quoteLiteral(Literal(value))
    assert nqtext.literal(value) == _quoteLiteral(Literal(value))
    for lang in ("en", "zh-Hans", "EN-gb"):
        assert nqtext.lang_text(value, lang) == _quoteLiteral(Literal(value, lang=lang))


def test_an_empty_language_tag_makes_a_plain_literal_and_a_bad_one_fails_as_in_rdflib() -> None:
    assert nqtext.lang_text("x", "") == _quoteLiteral(Literal("x", lang=""))
    with pytest.raises(ValueError, match="not a valid language tag"):
        nqtext.lang_text("x", "not a tag")


@pytest.mark.parametrize("value", [0, 1, -5, 2**70, True, False])
def test_integers_and_booleans(value: int) -> None:
    assert nqtext.integer(value) == _quoteLiteral(Literal(value, datatype=XSD.integer))
    assert nqtext.literal(value) == _quoteLiteral(Literal(value))


@pytest.mark.parametrize("value", [1, 99, 999, 1986, 2024, 9999, 12345])
def test_years(value: int) -> None:
    assert nqtext.year(value) == _quoteLiteral(Literal(f"{value:04d}", datatype=XSD.gYear))


@pytest.mark.parametrize(
    "value", ["https://example.org/a%20b?c=d#e", "http://x/é", "urn:isbn:1", "http://x/a_b~c"]
)
def test_iris(value: str) -> None:
    assert nqtext.iri(value) == URIRef(value).n3()


@pytest.mark.parametrize("value", ["https://example.org/a b", "http://x/<y>", 'http://x/"', "a{b}"])
def test_an_iri_rdflib_refuses_fails_with_its_error(value: str) -> None:
    with pytest.raises(Exception) as ours:
        nqtext.iri(value)
    with pytest.raises(Exception) as theirs:
        URIRef(value).n3()
    assert type(ours.value) is type(theirs.value) and str(ours.value) == str(theirs.value)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_any_text_and_any_minted_iri(value: str) -> None:
    assert nqtext.text(value) == _quoteLiteral(Literal(value))
    minted = IriMinter("https://w3id.org/dlkg/").person(value)
    assert f"<{minted}>" == minted.n3()  # a minted IRI never needs rdflib's check
    from urllib.parse import quote

    assert str(minted) == "https://w3id.org/dlkg/person/" + quote(value, safe="-._~")
