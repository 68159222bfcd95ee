"""Person pages over the real build, pinned to counts read from the sources by hand.

How the numbers were counted (grep -i over the five sources, then merging the same paper):
- Geoffrey Hinton. The roadmap README names him on [1] Deep learning, [2] A fast learning
  algorithm for deep belief nets, [3] Reducing the dimensionality of data with neural networks,
  [4] ImageNet classification with deep CNNs, [8] Deep neural networks for acoustic modeling in
  speech recognition, [9] Speech recognition with deep recurrent neural networks, [14] Improving
  neural networks by preventing co-adaptation of feature detectors, [17] Layer normalization,
  [56] Distilling the knowledge in a neural network (9). The awesome README adds "A practical
  guide to training restricted boltzmann machines (2010), G. Hinton" (10). top100papers.bib
  adds two whose list lines say only "N. Srivastava et al." / "A. Mohamed et al.": Dropout (11)
  and Acoustic modeling using deep belief networks (12). The Chinese documents repeat papers
  already counted. 12 papers.
- His co-authors, from the fullest byline of each of the 12 (the BibTeX one where it exists):
  Salakhutdinov on [3], co-adaptation and Dropout (3); Krizhevsky and Sutskever on ImageNet,
  co-adaptation and Dropout (3 each); Mohamed on acoustic modeling [8], speech RNN [9] and
  acoustic DBN (3); Dahl on [8] and acoustic DBN (2); Srivastava on co-adaptation and Dropout
  (2); 16 others on one paper each (LeCun, Bengio, Osindero, Teh, Deng, Yu, Jaitly, Senior,
  Vanhoucke, Nguyen, Sainath, Graves, Ba, Kiros, Vinyals, Dean). 22 co-authors.
- R. Collobert, known only by his initial: the awesome README's "Natural language processing
  (almost) from scratch (2011), R. Collobert et al." and "Torch7: A matlab-like environment for
  machine learning, R. Collobert et al.", and the roadmap's "Pinheiro, P.O., Collobert, R.,
  Dollar, P. Learning to segment object candidates" (3 papers; not in the BibTeX file). Named
  co-authors: Pinheiro and Dollar, one paper each (the other two say only "et al.").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dlkg.settings import Settings
from dlkg.store import open_read_only
from dlkg.web.http import Request
from dlkg.web.site.app import Site, build_site

from ..helpers import BASE, PAGE_QUERIES, person_coauthors, person_papers

pytestmark = pytest.mark.upstream

PERSON = BASE + "person/"


@pytest.fixture(scope="module")
def real_site(built: tuple[Settings, Any], tmp_path_factory: pytest.TempPathFactory) -> Site:
    store = open_read_only(built[0].store_dir)
    build_dir: Path = tmp_path_factory.mktemp("person-pages")
    return build_site(store, base_iri=BASE, build_dir=build_dir, queries_dir=PAGE_QUERIES)


def page(site: Site, path: str) -> str:
    response = site(Request("GET", path, {}, {"accept": "text/html"}))
    assert response.status == 200, (path, response.body[:200])
    return response.body.decode("utf-8")


def test_hinton_has_his_twelve_papers_and_nothing_else(real_site: Site) -> None:
    papers = person_papers(page(real_site, "/person/hinton-g"))
    assert len(papers) == 12, papers
    assert len(set(papers)) == 12
    # every row is a work page, never a list item (…/item/…) or a BibTeX record (source/…)
    assert all(p.startswith(BASE + "paper/") and "/item/" not in p for p in papers), papers
    assert BASE + "paper/arxiv-1503.02531" in papers  # Distilling (arXiv id in both lists)


def test_hinton_coauthors_and_shared_paper_counts(real_site: Site) -> None:
    coauthors = person_coauthors(page(real_site, "/person/hinton-g"))
    assert len(coauthors) == 22, coauthors
    several = {p: n for p, n in coauthors.items() if n > 1}
    assert several == {
        PERSON + "salakhutdinov-r": 3,
        PERSON + "krizhevsky-a": 3,
        PERSON + "sutskever-i": 3,
        PERSON + "mohamed-a": 3,
        PERSON + "dahl-g": 2,
        PERSON + "srivastava-n": 2,
    }
    for once in ("lecun-y", "bengio-y", "vinyals-o", "dean-j", "graves-a", "osindero-s"):
        assert coauthors[PERSON + once] == 1


def test_a_person_known_only_by_initials(real_site: Site) -> None:
    text = page(real_site, "/person/collobert-r")
    assert "<h1>R. Collobert</h1>" in text
    assert len(person_papers(text)) == 3
    coauthors = person_coauthors(text)
    assert set(coauthors.values()) == {1} and len(coauthors) == 2
    assert any("pinheiro" in p for p in coauthors) and PERSON + "dollar-p" in coauthors
