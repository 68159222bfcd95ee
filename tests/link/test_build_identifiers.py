"""The default build (no `dlkg link`): every arXiv paper has its arXiv DOI, typed by role."""

from __future__ import annotations

from typing import Any

import pytest

from dlkg.link.ids import arxiv_doi
from dlkg.query import run_query
from dlkg.store import open_read_only

pytestmark = pytest.mark.upstream

QUERY = """PREFIX dlkg: <https://w3id.org/dlkg/ns#>
PREFIX bibo: <http://purl.org/ontology/bibo/>
PREFIX schema: <http://schema.org/>
SELECT ?paper ?arxiv ?preprint ?record (COUNT(DISTINCT ?doi) AS ?dois) WHERE {
  GRAPH ?g { ?paper a schema:ScholarlyArticle . }
  OPTIONAL { ?paper dlkg:arxivId ?arxiv }
  OPTIONAL { ?paper dlkg:preprintDoi ?preprint }
  OPTIONAL { ?paper dlkg:versionOfRecordDoi ?record }
  OPTIONAL { ?paper bibo:doi ?doi }
} GROUP BY ?paper ?arxiv ?preprint ?record"""


def test_every_arxiv_paper_has_its_arxiv_doi(built: tuple[Any, Any]) -> None:
    settings, report = built
    store = open_read_only(settings.store_dir)
    rows = list(run_query(store, QUERY))
    with_arxiv = [r for r in rows if r["arxiv"] is not None]
    assert len(with_arxiv) > 150
    for row in with_arxiv:
        assert row["preprint"].value == arxiv_doi(row["arxiv"].value), row["paper"]
    for row in rows:  # every DOI has its role, and there are at most the two of them
        roles = sum(row[k] is not None for k in ("preprint", "record"))
        assert int(row["dois"].value) == roles, row["paper"]
    ask = "ASK { ?p <http://schema.org/sameAs> <https://doi.org/10.48550/arXiv.1503.02531> }"
    assert bool(run_query(store, ask))
    assert not [i for i in report.issues if i.code.startswith("identifier.")]
