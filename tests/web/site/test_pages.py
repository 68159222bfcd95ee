"""In-process tests of the linked-data pages, content negotiation, base-IRI mapping and XSS."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
import rdflib

from dlkg import formats
from dlkg.web.site.home import parse_query_file
from dlkg.web.site.outbound import scholarly_links
from dlkg.web.site.render import curie, split_extension

from ..helpers import BASE, FIXTURES, OTHER_BASE, Call, load_store, make_call, site_over

SCHEMA = rdflib.Namespace("http://schema.org/")
DLKG = rdflib.Namespace("https://w3id.org/dlkg/ns#")
PAPER = "/paper/arxiv-1503.02531"


def html(call: Call, path: str, **kwargs: str) -> str:
    response = call(path, **kwargs)
    assert response.status == 200, (path, response.body[:300])
    assert response.content_type.startswith("text/html")
    return response.body.decode("utf-8")


def jsonld_of(page: str) -> dict[str, object]:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert match, "page embeds no JSON-LD"
    data: dict[str, object] = json.loads(match.group(1))
    return data


def in_order(text: str, *parts: str) -> bool:
    positions = [text.find(p) for p in parts]
    return all(p >= 0 for p in positions) and positions == sorted(positions)


# --- page types -------------------------------------------------------------------------


def test_paper_page_shows_titles_authors_lists_and_outbound_links(call: Call) -> None:
    page = html(call, PAPER)
    assert "Distilling the knowledge in a neural network" in page
    assert "蒸馏神经网络中的知识" in page
    # authors in schema:position order, linked to their person pages
    assert in_order(
        page, 'href="/person/hinton-g"', 'href="/person/vinyals-o"', 'href="/person/dean-j"'
    )
    assert "as written: G. Hinton" in page
    assert 'href="https://arxiv.org/abs/1503.02531"' in page
    for name in ("Wikidata", "DBLP", "OpenAlex", "Semantic Scholar"):
        assert f">{name}</a>" in page
    assert "haswbstatement%3AP818%3D1503.02531" in page
    # lists, sections, commentary of the items that cite it
    assert 'href="/list/awesome"' in page and 'href="/list/zh-awesome"' in page
    assert "Understanding / Generalization / Transfer" in page and "理解 / 泛化 / 迁移" in page
    assert "知识蒸馏的开山之作。" in page
    assert 'href="/source/awesome"' in page
    data = jsonld_of(page)
    assert data["@type"] == "ScholarlyArticle"
    assert data["@id"] == BASE + PAPER[1:]
    authors = data["author"]
    assert isinstance(authors, list)
    assert [a["name"] for a in authors] == ["Geoffrey Hinton", "Oriol Vinyals", "Jeff Dean"]
    assert {"@type": "PropertyValue", "propertyID": "arXiv", "value": "1503.02531"} in (
        data["identifier"]  # type: ignore[operator]
    )


def test_paper_with_doi_links_doi_and_lookups(call: Call) -> None:
    page = html(call, "/paper/doi-10.1038-nature14539")
    assert 'href="https://doi.org/10.1038/nature14539"' in page
    assert "https://api.openalex.org/works/doi:10.1038/nature14539" in page
    assert "haswbstatement%3AP356%3D10.1038%2FNATURE14539" in page
    assert in_order(
        page, 'href="/person/lecun-y"', 'href="/person/bengio-y"', 'href="/person/hinton-g"'
    )


def test_person_page_lists_papers_and_coauthors(call: Call) -> None:
    page = html(call, "/person/hinton-g")
    assert "<h1>Geoffrey Hinton</h1>" in page
    assert (
        'href="/paper/arxiv-1503.02531"' in page and 'href="/paper/doi-10.1038-nature14539"' in page
    )
    for person in ("vinyals-o", "dean-j", "lecun-y", "bengio-y"):
        assert f'href="/person/{person}"' in page
    assert (
        'href="/list/awesome/section/understanding-generalization-transfer"' in page
    )  # key researcher
    # his author position on each paper: first on the distillation paper, third on "Deep learning"
    row = r'href="/paper/([^"]+)">[^<]*</a>(?:(?!</tr>).)*<td class="num">(\d+)</td>'
    assert dict(re.findall(row, page, re.S)) == {
        "doi-10.1038-nature14539": "3",
        "arxiv-1503.02531": "1",
    }
    assert jsonld_of(page)["@type"] == "Person"


def test_list_page_shows_entries_in_position_order(call: Call) -> None:
    page = html(call, "/list/awesome")
    assert in_order(page, "Deep learning</a>", "Distilling the knowledge in a neural network</a>")
    assert "Understanding / Generalization / Transfer" in page
    assert 'href="/list/zh-awesome"' in page  # its translation
    data = jsonld_of(page)
    assert data["@type"] == "ItemList"
    elements = data["itemListElement"]
    assert isinstance(elements, list)
    assert [e["position"] for e in elements] == [1, 2]


def test_roadmap_list_shows_stars_and_notes(call: Call) -> None:
    page = html(call, "/list/roadmap")
    assert "★★★★☆" in page
    assert "Milestone, shows the power of unsupervised learning" in page


def test_section_scheme_and_item_pages(call: Call) -> None:
    section = html(call, "/list/awesome/section/understanding-generalization-transfer")
    assert "理解 / 泛化 / 迁移" in section and 'href="/person/hinton-g"' in section
    assert in_order(section, "Deep learning</a>", "Distilling the knowledge")
    scheme = html(call, "/list/awesome/sections")
    assert 'href="/list/awesome/section/understanding-generalization-transfer"' in scheme
    item = html(
        call, "/list/awesome/item/understanding-generalization-transfer/doi-10.1038-nature14539"
    )
    assert "http://www.nature.com/nature/journal/v521/n7553/full/nature14539.html" in item
    assert "LeCun, Bengio, Hinton" in item and "Nature" in item
    assert 'href="/list/awesome"' in item and 'href="/paper/doi-10.1038-nature14539"' in item
    upstream = "awesome-deep-learning-papers/blob/1a0a9dfb1ee27f74a1ab47ed1273694ec4778ae7"
    assert f'href="https://github.com/terryum/{upstream}/README.md#L42"' in item
    roadmap_section = html(call, "/list/roadmap/section/1.1")
    assert "综述" in roadmap_section


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/paper/arxiv-1503.02531/author/2", "O. Vinyals"),
        ("/source/awesome", "awesome-deep-learning-papers README"),
        ("/dataset", "dlkg: deep-learning papers knowledge graph"),
        ("/list/awesome/item/understanding-generalization-transfer/arxiv-1503.02531/link/1", "pdf"),
        ("/downloads/dlkg.ttl", ""),  # the dump itself (a file), checked in test_downloads
    ],
)
def test_generic_pages_show_all_statements(call: Call, path: str, expected: str) -> None:
    if path.startswith("/downloads/"):
        assert call(path).status == 200
        return
    page = html(call, path)
    assert expected in page
    assert "All statements" in page and 'class="triples"' in page


def test_graph_page_counts_its_statements(call: Call) -> None:
    page = html(call, "/graph/entities")
    assert re.search(r"This named graph holds \d+ statements", page)
    assert 'href="/query?query=CONSTRUCT' in page


def test_unknown_iri_is_404(call: Call) -> None:
    assert call("/paper/no-such-paper").status == 404
    plain = call("/person/nobody", accept="text/turtle")
    assert plain.status == 404 and plain.content_type.startswith("text/plain")
    # outside the dataset's path segments: the server's plain 404, not a page
    assert call("/no-such-thing").body == b"nothing here: /no-such-thing\n"
    # /sparql is the endpoint's route, never an IRI to look up: its service description
    assert call("/sparql", accept="text/turtle").body.startswith(b"@prefix sd:")


# --- content negotiation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "path", "media", "rdflib_format"),
    [
        ("text/turtle", PAPER, "text/turtle", "turtle"),
        ("application/n-triples", PAPER, "application/n-triples", "nt"),
        ("application/ld+json", PAPER, "application/ld+json", "json-ld"),
        ("text/html;q=0.5, text/turtle", PAPER, "text/turtle", "turtle"),
        ("text/html", PAPER + ".ttl", "text/turtle", "turtle"),
        ("*/*", PAPER + ".nt", "application/n-triples", "nt"),
        (None, PAPER + ".jsonld", "application/ld+json", "json-ld"),
    ],
)
def test_rdf_by_accept_and_extension(
    call: Call, accept: str | None, path: str, media: str, rdflib_format: str
) -> None:
    response = call(path, accept=accept)
    assert response.status == 200
    assert response.content_type.split(";")[0] == media
    graph = rdflib.Graph().parse(data=response.body, format=rdflib_format)
    paper = rdflib.URIRef(BASE + PAPER[1:])
    title = rdflib.Literal("Distilling the knowledge in a neural network", lang="en")
    assert (paper, SCHEMA.name, title) in graph
    # the authorships come along, with their positions
    first = rdflib.URIRef(BASE + "paper/arxiv-1503.02531/author/1")
    assert (first, SCHEMA.position, rdflib.Literal(1)) in graph
    # and the statements pointing at the paper
    assert (None, SCHEMA.item, paper) in graph


def test_browsers_and_curl_get_html_and_odd_accepts_get_406(call: Call) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert call(PAPER, accept=browser).content_type.startswith("text/html")
    assert call(PAPER, accept="*/*").content_type.startswith("text/html")
    assert call(PAPER, accept="image/png").status == 406
    assert ("Vary", "Accept") in call(PAPER, accept="text/turtle").headers


def test_negotiate_and_split_extension_units() -> None:
    offered = formats.PAGE_FORMATS
    jsonld = formats.negotiate("application/ld+json;q=0.9, text/turtle;q=0.8", offered)
    assert jsonld is formats.JSON_LD
    assert formats.negotiate("text/*", offered) is formats.HTML
    assert formats.negotiate("application/n-triples, */*;q=0.1", offered) is formats.N_TRIPLES
    assert formats.negotiate("text/turtle;q=0", offered) is None
    assert split_extension("/paper/arxiv-1503.02531") == ("/paper/arxiv-1503.02531", None)
    assert split_extension("/paper/x.ttl") == ("/paper/x", formats.TURTLE)
    assert curie("http://schema.org/name") == "schema:name"
    assert curie("https://example.org/x") == "https://example.org/x"


def test_scholarly_links_fall_back_to_title_search() -> None:
    links = dict(scholarly_links("Deep Residual Learning & more", "", ""))
    assert set(links) == {"Wikidata", "DBLP", "OpenAlex", "Semantic Scholar"}
    assert links["DBLP"] == "https://dblp.org/search?q=Deep%20Residual%20Learning%20%26%20more"


# --- base IRI mapping -----------------------------------------------------------------------


@pytest.mark.parametrize("base", [BASE, OTHER_BASE])
def test_any_base_maps_onto_local_paths(build_dir: Path, base: str) -> None:
    call = make_call(site_over(load_store("pages_small.trig", base=base), build_dir, base=base))
    page = html(call, PAPER)
    assert f"<code>{base}paper/arxiv-1503.02531</code>" in page
    assert 'href="/person/hinton-g"' in page  # local links, whatever the base
    assert f'href="{base}person' not in page
    assert jsonld_of(page)["@id"] == base + "paper/arxiv-1503.02531"
    graph = rdflib.Graph().parse(data=call(PAPER, accept="text/turtle").body, format="turtle")
    assert (rdflib.URIRef(base + "paper/arxiv-1503.02531"), SCHEMA.author,
            rdflib.URIRef(base + "person/hinton-g")) in graph  # fmt: skip
    config = json.loads(re.search(r'id="dlkg-config">(.*?)</script>', html(call, "/"), re.S)[1])  # type: ignore[index]
    assert config["baseIri"] == base


def test_forwarded_prefix_prefixes_links_and_bad_prefixes_are_ignored(call: Call) -> None:
    page = html(call, PAPER, x_forwarded_prefix="/dlkg")
    assert 'href="/dlkg/person/hinton-g"' in page and 'href="/dlkg/static/style.css"' in page
    assert 'href="/person/hinton-g"' not in page
    hostile = html(call, PAPER, x_forwarded_prefix='/x"><script>alert(1)</script>')
    assert 'href="/person/hinton-g"' in hostile and "alert(1)" not in hostile


def test_percent_encoded_keys_round_trip(build_dir: Path) -> None:
    store = load_store("pages_small.trig")
    odd = "https://w3id.org/dlkg/person/m%C3%BCller-j"  # as iris.py mints "müller-j"
    person = '<http://schema.org/Person> ; <http://schema.org/name> "J. Müller"@en'
    store.update(f"INSERT DATA {{ GRAPH <{BASE}graph/entities> {{ <{odd}> a {person} }} }}")
    call = make_call(site_over(store, build_dir, queries_dir=FIXTURES))
    assert "J. Müller" in html(call, "/person/müller-j")  # the server hands us decoded paths


# --- XSS ------------------------------------------------------------------------------------


class _Audit(HTMLParser):
    """Collects what an injected literal could have turned into: elements, handlers, URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[str] = []
        self.hrefs: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        self.hrefs += [v or "" for name, v in attrs if name in ("href", "src")]
        if tag == "script":
            self._script = dict(attrs)

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self.scripts.append((self._script, data))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            if self._script is not None and not any(s is self._script for s, _ in self.scripts):
                self.scripts.append((self._script, ""))
            self._script = None


@pytest.mark.parametrize(
    "path",
    ["/paper/xss", "/person/xss", "/list/xss", "/list/xss/item/s/xss", "/list/xss/section/s",
     "/paper/xss/author/1", "/", "/query?x"],
)  # fmt: skip
def test_hostile_literals_are_escaped_everywhere(build_dir: Path, path: str) -> None:
    store = load_store("pages_small.trig", "pages_xss_literals.trig")
    call = make_call(site_over(store, build_dir))
    page_path, _, query = path.partition("?")
    params = {"query": ['</textarea><script>alert("q")</script>']} if query else None
    page = call(page_path, query=params).body.decode("utf-8")
    audit = _Audit()
    audit.feed(page)
    assert "img" not in audit.tags and "svg" not in audit.tags and "i" not in audit.tags
    assert audit.handlers == []
    assert not [h for h in audit.hrefs if h.lower().startswith("javascript:")]
    for attrs, content in audit.scripts:
        if attrs.get("src"):
            continue  # our own static scripts
        assert attrs.get("type") in ("application/ld+json", "application/json")
        json.loads(content)  # the whole JSON survived: nothing broke out of the element
    assert "<script>alert" not in page and "</textarea><script>" not in page
    if page_path == "/paper/xss":
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "{{ 7*7 }} &amp; &lt;b&gt;bold&lt;/b&gt;" in page
        names = jsonld_of(page)["name"]
        assert {"@value": "<script>alert(1)</script>", "@language": "en"} in names  # type: ignore[operator]


# --- query UI -------------------------------------------------------------------------------


def test_home_page_summarises_the_dataset_and_offers_the_gallery(call: Call) -> None:
    page = html(call, "/")
    counts = {k: re.search(rf'id="count-{k}">(\d+)<', page)[1] for k in  # type: ignore[index]
              ("papers", "persons", "lists", "items")}  # fmt: skip
    assert counts == {"papers": "3", "persons": "5", "lists": "3", "items": "4"}
    assert "Which papers are in the dataset, with their English titles?" in page
    assert "Every schema:ScholarlyArticle with its English title and year, oldest first." in page
    assert 'action="/sparql"' in page and 'src="/static/vendor/editor.js"' in page
    config = json.loads(re.search(r'id="dlkg-config">(.*?)</script>', page, re.S)[1])  # type: ignore[index]
    assert config["endpoint"] == "/sparql"
    assert config["prefixes"]["schema"] == "http://schema.org/"
    assert "dlkg:stars" in config["terms"] and "schema:ScholarlyArticle" in config["terms"]
    assert [q["name"] for q in config["gallery"]] == [
        "01-papers-with-titles", "02-coauthors-of-hinton", "03-starred-roadmap-entries"
    ]  # fmt: skip


def test_query_page_prefills_examples_and_queries(call: Call) -> None:
    page = html(call, "/query", query={"example": ["02-coauthors-of-hinton"]})
    assert "SELECT DISTINCT ?person ?name" in page
    page = html(call, "/query", query={"query": ["ASK { ?s ?p ?o }"]})
    assert "ASK { ?s ?p ?o }</textarea>" in page
    raw = call("/queries/03-starred-roadmap-entries.rq")
    assert raw.status == 200 and raw.body.startswith(b"#+ summary: Which roadmap entries")
    assert call("/queries/../conftest.py").status == 404


def test_query_headers_parse_with_continuations() -> None:
    q = parse_query_file(
        "x", "#+ summary: One\n#+ description: two\n#+   three\nSELECT * {}\n#+ no: x"
    )
    assert (q.summary, q.description) == ("One", "two three")
    assert parse_query_file("bare", "SELECT * {}").summary == "bare"


def test_static_files_and_traversal(call: Call) -> None:
    css = call("/static/style.css")
    assert css.status == 200 and css.content_type.startswith("text/css")
    js = call("/static/query.js")
    assert js.status == 200 and b"textContent" in js.body
    etag = dict(js.headers)["ETag"]
    assert call("/static/query.js", if_none_match=etag).status == 304
    for bad in ("/static/../pages.py", "/static/%2e%2e/pages.py", "/static/", "/static/.hidden"):
        assert call(bad).status == 404, bad
    assert quote("/static/style.css") == "/static/style.css"
