"""Offline identifiers: arXiv DOIs, lookup links and syntax checks (pipeline/dlkg/link/ids.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef

from dlkg.link.ids import (
    arxiv_doi,
    arxiv_id_ok,
    doi_iri,
    doi_ok,
    is_arxiv_doi,
    lookup_urls,
    orcid_ok,
)
from dlkg.link.offline import add_identifiers, identifier_issues
from dlkg.model import Paper
from dlkg.namespaces import BIBO, DLKG, SCHEMA
from dlkg.records import Provenance


@pytest.mark.parametrize(
    ("arxiv_id", "ok"),
    [
        ("1503.02531", True),
        ("1412.6980", True),  # four digits before 2015
        ("2106.15928", True),
        ("1501.00001", True),  # five digits from January 2015
        ("1501.0001", False),
        ("1412.69800", False),
        ("1513.02531", False),  # month 13
        ("0703.1234", False),  # new-style ids start in April 2007
        ("cs/0112017", True),
        ("hep-th/9901001", True),
        ("math.GT/0309136", True),
        ("cs/0113017", False),
        ("1503.02531v2", False),  # versions are not part of the id
        ("arXiv:1503.02531", False),
    ],
)
def test_arxiv_id_shape(arxiv_id: str, ok: bool) -> None:
    assert arxiv_id_ok(arxiv_id) is ok


@pytest.mark.parametrize(
    ("doi", "ok"),
    [
        ("10.1038/nature14539", True),
        ("10.1109/CVPR.2016.90", True),
        ("10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0", True),
        ("10.48550/arXiv.1503.02531", True),
        ("https://doi.org/10.1038/nature14539", False),
        ("10.12/x", False),
        ("10.1038/", False),
        ("10.1038/nature 14539", False),
    ],
)
def test_doi_shape(doi: str, ok: bool) -> None:
    assert doi_ok(doi) is ok


@pytest.mark.parametrize(
    ("orcid", "ok"),
    [
        ("0000-0002-1825-0097", True),  # ORCID's documented example
        ("https://orcid.org/0000-0002-1825-0097", True),
        ("0000-0001-5109-3700", True),
        ("0000-0002-1694-233X", True),  # check character X (10)
        ("0000-0002-1825-0098", False),
        ("0000-0002-1694-2330", False),
        ("0000000218250097", False),
    ],
)
def test_orcid_checksum(orcid: str, ok: bool) -> None:
    assert orcid_ok(orcid) is ok


@given(st.text(alphabet="0123456789", min_size=15, max_size=15))
def test_exactly_one_check_character_is_right(digits: str) -> None:
    """ISO 7064 MOD 11-2: of the eleven possible check characters exactly one passes."""
    body = f"{digits[:4]}-{digits[4:8]}-{digits[8:12]}-{digits[12:15]}"
    assert sum(orcid_ok(body + c) for c in "0123456789X") == 1


def test_arxiv_dois_keep_old_style_slashes() -> None:
    assert arxiv_doi("1503.02531") == "10.48550/arXiv.1503.02531"
    assert arxiv_doi("cs/0112017") == "10.48550/arXiv.cs/0112017"
    assert is_arxiv_doi("10.48550/ARXIV.1503.02531")
    assert doi_iri(arxiv_doi("cs/0112017")) == "https://doi.org/10.48550/arXiv.cs/0112017"


def _paper(**kw: object) -> Paper:
    prov = Provenance("awesome-readme", "README.md", 42)
    return Paper(key="p", title_en="A title", provs={prov}, **kw)  # type: ignore[arg-type]


def test_preprint_and_version_of_record_are_told_apart() -> None:
    g = Graph()
    node = URIRef("https://w3id.org/dlkg/paper/p")
    add_identifiers(g, node, _paper(arxiv_id="1512.03385", doi="10.1109/cvpr.2016.90"))
    assert set(g.objects(node, BIBO.doi)) == {
        Literal("10.48550/arXiv.1512.03385"),
        Literal("10.1109/cvpr.2016.90"),
    }
    assert g.value(node, DLKG.preprintDoi) == Literal("10.48550/arXiv.1512.03385")
    assert g.value(node, DLKG.versionOfRecordDoi) == Literal("10.1109/cvpr.2016.90")
    same = {str(o) for o in g.objects(node, SCHEMA.sameAs)}
    assert same == {
        "https://arxiv.org/abs/1512.03385",
        "https://doi.org/10.48550/arXiv.1512.03385",
        "https://doi.org/10.1109/cvpr.2016.90",
    }
    lookups = {str(o) for o in g.objects(node, DLKG.lookup)}
    assert "https://api.semanticscholar.org/graph/v1/paper/ARXIV:1512.03385" in lookups
    assert "https://api.openalex.org/works/doi:10.1109/cvpr.2016.90" in lookups
    assert not lookups & same  # lookups are never identities


def test_a_paper_without_identifiers_gets_none() -> None:
    g = Graph()
    add_identifiers(g, URIRef("https://w3id.org/dlkg/paper/p"), _paper())
    assert len(g) == 0
    assert lookup_urls(None, None) == []


def test_malformed_identifiers_are_warnings_with_their_line() -> None:
    issues = identifier_issues(
        [_paper(arxiv_id="1513.02531"), _paper(doi="10.12/x"), _paper(arxiv_id="1503.02531")]
    )
    assert [i.code for i in issues] == ["identifier.arxiv-malformed", "identifier.doi-malformed"]
    assert all(str(i.where) == "README.md:42" for i in issues)
