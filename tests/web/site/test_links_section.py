"""Exact links and /stats links on paper and person pages; the gallery's federated notes.

The store is tests/fixtures/pages_links.trig (an arXiv paper with its preprint and
version-of-record DOIs, a lookup and a checked Wikidata mapping; a person with an ORCID mapping
and a hostile sameAs), served through the real route table and query runner.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dlkg.link.web import exact_links
from dlkg.web.http import Response
from dlkg.web.site.app import build_site
from dlkg.web.site.links_section import exact_links_for
from dlkg.web.site.render import Linker

from ..helpers import BASE, PAGE_QUERIES, Call, load_store, make_call, site_over

PAPER = "/paper/arxiv-1502.03167"
PERSON = "/person/ioffe-s"
WIKIDATA = "https://query-scholarly.wikidata.org/sparql"


@pytest.fixture()
def call(tmp_path: Path) -> Call:
    return make_call(site_over(load_store("pages_links.trig"), tmp_path))


def page(call: Call, path: str, **headers: str) -> str:
    response: Response = call(path, **headers)
    assert response.status == 200, response.body[:300]
    return response.body.decode("utf-8")


def section(text: str, css_class: str) -> str:
    match = re.search(rf'<section class="{css_class}">(.*?)</section>', text, re.S)
    assert match, f"no {css_class} section"
    return match.group(1)


def rows_of(html: str) -> list[str]:
    """The table rows as text, tags stripped."""
    rows = re.findall(r"<tr class=\"link-\w+\">(.*?)</tr>", html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", r).split()) for r in rows]


def test_paper_page_shows_exact_links_above_the_search_buttons(call: Call) -> None:
    text = page(call, PAPER)
    links = section(text, "exact-links")
    assert text.index('class="exact-links"') < text.index("<h2>Elsewhere</h2>")
    assert rows_of(links) == [
        "https://arxiv.org/abs/1502.03167 same as",
        "https://doi.org/10.48550/arXiv.1502.03167 same as preprint DOI",
        "https://doi.org/10.5555/3045118.3045167 same as version of record DOI",
        "http://www.wikidata.org/entity/Q24937489 checked match Wikidata, confidence 0.97",
        "https://api.semanticscholar.org/graph/v1/paper/ARXIV:1502.03167 lookup",
    ]
    assert '<a href="https://doi.org/10.5555/3045118.3045167" rel="noopener">' in links


def test_the_site_reads_the_same_links_as_the_store_helper(tmp_path: Path) -> None:
    store = load_store("pages_links.trig")
    site = site_over(store, tmp_path)
    linker = Linker(site.ctx)
    for path in (PAPER, PERSON, "/paper/no-links"):
        through_runner = exact_links_for(site.ctx, linker, BASE + path[1:])
        from_store = exact_links(store, BASE + path[1:])
        assert [(s.kind, s.url, s.role) for s in through_runner] == [
            (link.kind, link.url, link.role) for link in from_store
        ]


def test_person_page_links_its_statistics_and_ids_but_never_javascript(call: Call) -> None:
    text = page(call, PERSON)
    links = section(text, "exact-links")
    assert "https://orcid.org/0000-0002-1825-0097" in links and "Wikidata, confidence 1.00" in links
    assert "javascript:alert(1)" in links  # shown as text ...
    assert 'href="javascript' not in text  # ... never as a link
    stats = section(text, "stats-links")
    assert 'href="/stats?person=/person/ioffe-s#person"' in stats
    assert 'href="/stats?person=/person/ioffe-s#network"' in stats


def test_stats_links_follow_the_proxy_prefix(call: Call) -> None:
    text = page(call, PERSON, x_forwarded_prefix="/dlkg")
    assert 'href="/dlkg/stats?person=/person/ioffe-s#person"' in section(text, "stats-links")
    paper = page(call, PAPER, x_forwarded_prefix="/dlkg")
    assert 'href="/dlkg/stats#papers"' in section(paper, "stats-links")


def test_a_paper_without_links_still_links_the_statistics(call: Call) -> None:
    text = page(call, "/paper/no-links")
    assert 'class="exact-links"' not in text
    assert 'href="/stats#papers"' in section(text, "stats-links")


# --- the gallery's federated queries ------------------------------------------------------


def _gallery_call(tmp_path: Path, allowed: tuple[str, ...]) -> Call:
    queries = tmp_path / "queries"
    queries.mkdir(exist_ok=True)
    for source in PAGE_QUERIES.glob("*.rq"):
        (queries / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (queries / "90-federated.rq").write_text(
        "#+ summary: Wikidata items of the papers\n"
        f"#+ federated: {WIKIDATA}\n"
        f"SELECT * WHERE {{ SERVICE <{WIKIDATA}> {{ ?s ?p ?o }} }} LIMIT 1\n",
        encoding="utf-8",
    )
    site = build_site(
        load_store("pages_links.trig"),
        base_iri=BASE,
        build_dir=tmp_path,
        queries_dir=queries,
        allowed_services=allowed,
    )
    return make_call(site)


def _config(text: str) -> dict[str, object]:
    match = re.search(r'<script type="application/json" id="dlkg-config">(.*?)</script>', text)
    assert match
    config: dict[str, object] = json.loads(match.group(1))
    return config


def test_gallery_says_a_federated_query_needs_allow_listing(tmp_path: Path) -> None:
    text = page(_gallery_call(tmp_path, ()), "/")
    note = re.search(r'<p class="federated blocked"[^>]*>(.*?)</p>', text, re.S)
    assert note, "no note on the federated entry"
    assert WIKIDATA in note.group(1)
    assert f"--allow-service {WIKIDATA}" in note.group(1)
    assert text.count('class="federated') == 1  # only the federated entry has a note
    config = _config(text)
    assert config["allowedServices"] == []
    (entry,) = [q for q in config["gallery"] if q["name"] == "90-federated"]  # type: ignore[attr-defined]
    assert entry["federated"] == [WIKIDATA]


def test_gallery_says_when_the_operator_allowed_the_endpoint(tmp_path: Path) -> None:
    text = page(_gallery_call(tmp_path, (WIKIDATA,)), "/query")
    assert "federated blocked" not in text
    assert re.search(
        r'<p class="federated"[^>]*>\s*Federated: calls .*allowed on this server', text
    )
    assert _config(text)["allowedServices"] == [WIKIDATA]
