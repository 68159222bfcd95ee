"""The real services, once each (marked `network`): skipped unless DLKG_NETWORK_TESTS=1.

They check that the documented formats the fakes answer in are what the services really send.
Never run in CI (no internet there); run them by hand, politely, with DLKG_LINK_CONTACT set.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dlkg.link.clients import arxiv, crossref, dblp, wikidata
from dlkg.link.config import config_from_env
from dlkg.link.http import Answer, LinkSession
from dlkg.link.match import judge
from dlkg.link.model import PaperQuery

pytestmark = [
    pytest.mark.network,
    pytest.mark.skipif(
        os.environ.get("DLKG_NETWORK_TESTS") != "1",
        reason="real-network test: set DLKG_NETWORK_TESTS=1 (and DLKG_LINK_CONTACT) to run it",
    ),
]

DISTILLING = PaperQuery(
    "arxiv-1503.02531",
    "Distilling the knowledge in a neural network",
    2015,
    "1503.02531",
    None,
    ("Geoffrey E. Hinton", "Oriol Vinyals", "Jeffrey Dean"),
    ("hinton-g", "vinyals-o", "dean-j"),
)
ALPHAGO = PaperQuery(
    "doi-10.1038-nature16961",
    "Mastering the game of Go with deep neural networks and tree search",
    2016,
    None,
    "10.1038/nature16961",
    ("David Silver", "Aja Huang"),
    ("silver-david", "huang-a"),
    authors_complete=False,
)


@pytest.fixture()
def fetch(tmp_path: Path):  # type: ignore[no-untyped-def]
    session = LinkSession(config_from_env(), tmp_path / "network.sqlite")

    def get(service: str, path: str, params, headers) -> Answer:  # type: ignore[no-untyped-def]
        return session.get(session.config.service(service), path, params, headers)

    yield get
    session.close()


@pytest.mark.parametrize(
    ("client", "paper"),
    [
        (arxiv.lookup, DISTILLING),
        (wikidata.lookup, DISTILLING),
        (dblp.lookup, DISTILLING),
        (crossref.lookup, ALPHAGO),
    ],
    ids=["arxiv", "wikidata", "dblp", "crossref"],
)
def test_real_service_answers_and_the_hit_is_accepted(fetch, client, paper) -> None:  # type: ignore[no-untyped-def]
    hits = client(fetch, [paper])
    assert hits, "no hit"
    assert any(judge(paper, hit).accepted for hit in hits), [judge(paper, h) for h in hits]
