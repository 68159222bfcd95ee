"""N-Quads text of RDF terms, byte for byte as rdflib's N-Quads writer gives it (issue 13).

Emit writes tens of millions of quads at x1000; making an rdflib `URIRef` or `Literal` for each
term and asking it for its `n3()` was most of emit's time (IRI checks as Python loops, literal
normalisation, namespace look-ups). Emit now writes the text directly with these functions,
which follow `rdflib.plugins.serializers.nt._quoteLiteral` and `URIRef.n3` exactly; wherever
rdflib would do something else than the plain case (an IRI it refuses, a language tag it
checks, a value that is not a plain `str` or `int`), they ask rdflib itself, so the text and the
errors stay rdflib's. tests/emit/test_nqtext.py compares them with rdflib on crafted values.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rdflib import Literal, URIRef
from rdflib.plugins.serializers.nt import _quoteLiteral

from .namespaces import XSD

__all__ = ["FALSE", "TRUE", "integer", "iri", "lang_text", "literal", "text", "year"]

# the characters rdflib's URIRef.n3 refuses (rdflib.term._invalid_uri_chars), as one search
_NOT_IN_IRI = re.compile(r'[<>" {}|\\^`]')
_INTEGER = f"^^<{XSD.integer}>"
TRUE = _quoteLiteral(Literal(True))
FALSE = _quoteLiteral(Literal(False))


def iri(value: str) -> str:
    """`<value>`; for an IRI rdflib refuses to write, rdflib's own error."""
    if _NOT_IN_IRI.search(value) is None:
        return "<" + value + ">"
    return URIRef(value).n3()  # raises "... does not look like a valid URI ..."


def text(value: str) -> str:
    """A plain string literal (`_quote_encode`: the same four escapes, in the same order)."""
    return (
        '"'
        + value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r")
        + '"'
    )


@lru_cache(maxsize=256)
def _lang_suffix(lang: str) -> str:
    """ "@tag" as rdflib writes it (it checks the tag; an empty tag makes a plain literal)."""
    language = Literal("x", lang=lang).language
    return "@" + language if language else ""


def lang_text(value: str, lang: str) -> str:
    """A language-tagged string literal: `Literal(value, lang=lang)`."""
    return text(value) + _lang_suffix(lang)


def integer(value: int) -> str:
    """`Literal(value, datatype=XSD.integer)`."""
    if type(value) is int:
        return f'"{value}"{_INTEGER}'
    return _quoteLiteral(Literal(value, datatype=XSD.integer))


@lru_cache(maxsize=4096)
def year(value: int) -> str:
    """`Literal(f"{value:04d}", datatype=XSD.gYear)` (rdflib normalises it: asked once per year)."""
    return _quoteLiteral(Literal(f"{value:04d}", datatype=XSD.gYear))


def literal(value: object) -> str:
    """`Literal(value)`: a plain literal for a `str`, rdflib's typed literal for anything else."""
    if type(value) is str:
        return text(value)
    if value is True:
        return TRUE
    if value is False:
        return FALSE
    return _quoteLiteral(Literal(value))
