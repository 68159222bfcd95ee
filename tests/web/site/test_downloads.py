"""/downloads (listing, files, ETag, traversal), /void, /ontology and /shapes."""

from __future__ import annotations

import hashlib
import http.client
from pathlib import Path

import pytest
import rdflib

from dlkg import resources
from dlkg.web.http import Context, Request
from dlkg.web.site.documents import TurtleDocument
from dlkg.web.site.downloads import list_dumps, media_type_of

from ..helpers import Call

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
RDFS = rdflib.RDFS


def test_listing_shows_every_dump_with_size_and_sha256(call: Call, build_dir: Path) -> None:
    page = call("/downloads").body.decode("utf-8")
    dumps = build_dir / "dumps"
    for name in ("dlkg.ttl", "dlkg.nt", "dlkg.nq.gz", "SHA256SUMS"):
        data = (dumps / name).read_bytes()
        assert f'href="/downloads/{name}"' in page
        assert hashlib.sha256(data).hexdigest() in page  # listed in SHA256SUMS or computed
        assert f">{len(data):,}<" in page
    assert "report.json" not in page


def test_listing_takes_sha256_from_the_checksums_file(build_dir: Path) -> None:
    dumps = build_dir / "dumps"
    (dumps / "SHA256SUMS").write_text("ab" * 32 + "  dlkg.ttl\n", encoding="ascii")
    found = {d.name: d.sha256 for d in list_dumps(dumps)}
    assert found["dlkg.ttl"] == "ab" * 32
    assert found["dlkg.nt"] == hashlib.sha256((dumps / "dlkg.nt").read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("name", "media"),
    [
        ("dlkg.ttl", "text/turtle"),
        ("dlkg.nt", "application/n-triples"),
        ("dlkg.nq.gz", "application/gzip"),
        ("SHA256SUMS", "text/plain"),
    ],
)
def test_each_dump_downloads_with_media_type_and_etag(
    call: Call, build_dir: Path, name: str, media: str
) -> None:
    data = (build_dir / "dumps" / name).read_bytes()
    response = call(f"/downloads/{name}", accept="*/*")
    assert response.status == 200
    assert response.content_type.split(";")[0] == media
    assert response.body == data
    etag = dict(response.headers)["ETag"]
    assert etag == f'"{hashlib.sha256(data).hexdigest()}"'
    assert call(f"/downloads/{name}", if_none_match=etag).status == 304


def test_media_types_of_the_pipeline_dumps() -> None:
    assert media_type_of("dlkg.trig") == "application/trig"
    assert media_type_of("dlkg.nq") == "application/n-quads"
    assert media_type_of("dlkg.jsonld") == "application/ld+json"
    assert media_type_of("context.jsonld") == "application/ld+json"


TRAVERSALS = [
    "/downloads/../report.json",
    "/downloads/..",
    "/downloads/%2e%2e/report.json",
    "/downloads/..%2freport.json",
    "/downloads//etc/passwd",
    "/downloads/\\..\\report.json",
    "/downloads/sub/../../report.json",
    "/downloads/.hidden",
    "/downloads/escape",  # a symlink pointing out of the folder
    "/downloads/dlkg.ttl\x00.png",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_never_leaves_the_dumps_folder(call: Call, build_dir: Path, path: str) -> None:
    (build_dir / "dumps" / "escape").symlink_to(build_dir / "report.json")
    response = call(path)
    assert response.status in (400, 404), path
    assert b"not a dump" not in response.body


def _raw_get(url: str, target: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """Send `target` exactly as given (no client-side normalisation) and read the answer."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        conn.endheaders()
        answer = conn.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        conn.close()


def test_traversal_over_real_http(live_url: str, build_dir: Path) -> None:
    """Raw request targets, as an attacker sends them, through the real server."""
    (build_dir / "dumps" / "escape").symlink_to(Path("/etc/passwd"))
    targets = [
        "/downloads/%2e%2e/report.json",
        "/downloads/..%2Freport.json",
        "/downloads/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/downloads/escape",
        "/downloads/%00",
        "/downloads/" + "%2e%2e/" * 8 + "etc/passwd",
        "/downloads/../report.json",
        "/downloads/" + str(build_dir / "report.json"),
    ]
    for raw in targets:
        status, _, body = _raw_get(live_url, raw)
        assert status in (400, 404), raw
        assert b"not a dump" not in body and b"root:" not in body, raw


def test_download_over_real_http_has_length_etag_and_head(live_url: str, build_dir: Path) -> None:
    data = (build_dir / "dumps" / "dlkg.ttl").read_bytes()
    status, headers, body = _raw_get(live_url, "/downloads/dlkg.ttl")
    assert (status, body) == (200, data)
    assert headers["content-length"] == str(len(data))
    assert headers["content-type"].startswith("text/turtle")
    assert headers["etag"] == f'"{hashlib.sha256(data).hexdigest()}"'
    status, headers, body = _raw_get(live_url, "/downloads/dlkg.ttl", method="HEAD")
    assert (status, body, headers["content-length"]) == (200, b"", str(len(data)))


def test_symlink_inside_the_folder_is_served(call: Call, build_dir: Path) -> None:
    (build_dir / "dumps" / "latest.ttl").symlink_to("dlkg.ttl")
    assert call("/downloads/latest.ttl").body == (build_dir / "dumps" / "dlkg.ttl").read_bytes()


def test_downloads_refuse_other_methods_and_missing_folder(call: Call, build_dir: Path) -> None:
    assert call("/downloads/dlkg.ttl", method="POST").status == 405
    for child in (build_dir / "dumps").iterdir():
        child.unlink()
    (build_dir / "dumps").rmdir()
    assert "This build has no dumps." in call("/downloads").body.decode("utf-8")


# --- /void ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "accept", "fmt"),
    [("/void", "text/turtle", "turtle"), ("/void.ttl", None, "turtle"),
     ("/void", "application/n-triples", "nt"), ("/void.jsonld", None, "json-ld")],
)  # fmt: skip
def test_void_as_rdf(call: Call, path: str, accept: str | None, fmt: str) -> None:
    response = call(path, accept=accept)
    assert response.status == 200
    graph = rdflib.Graph().parse(data=response.body, format=fmt)
    dataset = rdflib.URIRef("https://w3id.org/dlkg/dataset")
    assert (dataset, VOID.triples, rdflib.Literal(180)) in graph
    # only the meta graph: no paper statements
    assert not list(graph.subjects(None, rdflib.URIRef("http://schema.org/ScholarlyArticle")))


def test_void_as_html(call: Call) -> None:
    page = call("/void").body.decode("utf-8")
    assert "dlkg: deep-learning papers knowledge graph" in page
    assert 'href="/dataset"' in page and 'href="/downloads/dlkg.ttl"' in page


# --- /ontology and /shapes -----------------------------------------------------------------

ONTOLOGY = """@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dlkg: <https://w3id.org/dlkg/ns#> .
# a comment kept in the Turtle answer
<https://w3id.org/dlkg/ns> a owl:Ontology ; rdfs:label "dlkg ontology"@en .
dlkg:stars a owl:DatatypeProperty ; rdfs:label "stars"@en , "星级"@zh-Hans ;
  <http://schema.org/domainIncludes> <http://schema.org/ListItem> ;
  rdfs:comment "How many <stars> the roadmap gives."@en .
"""
SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix schema: <http://schema.org/> .
<https://w3id.org/dlkg/shapes#Paper> a sh:NodeShape ; sh:targetClass schema:ScholarlyArticle ;
  sh:property [ sh:path schema:name ; sh:minCount 1 ; sh:message "A paper needs a name"@en ] .
"""


def _document(tmp_path: Path, name: str, text: str) -> TurtleDocument:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    template = "shapes.html" if "shapes" in name else "ontology.html"
    return TurtleDocument(title=name, template=template, files=lambda: [path])


def _request(path: str, accept: str | None) -> Request:
    """A request as the route `/x.{ext}` or `/x` hands it to the handler."""
    _, dot, ext = path.rpartition(".")
    params = {"ext": ext} if dot else {}
    return Request("GET", path, {}, {"accept": accept} if accept else {}, params=params)


def test_ontology_document_by_accept_and_as_html(ctx: Context, tmp_path: Path) -> None:
    handler = _document(tmp_path, "dlkg.ttl", ONTOLOGY)
    turtle = handler(_request("/ontology", "text/turtle"), ctx)
    assert turtle.body == ONTOLOGY.encode("utf-8")  # the file as written
    nt = handler(_request("/ns.nt", None), ctx)
    assert nt.content_type == "application/n-triples"
    graph = rdflib.Graph().parse(data=nt.body, format="nt")
    assert (rdflib.URIRef("https://w3id.org/dlkg/ns#stars"), RDFS.label,
            rdflib.Literal("星级", lang="zh-Hans")) in graph  # fmt: skip
    page = handler(_request("/ontology", "text/html"), ctx)
    text = page.body.decode("utf-8")
    assert 'id="stars"' in text and "星级" in text and "How many &lt;stars&gt;" in text
    assert "schema:ListItem →" in text  # schema:domainIncludes counts as a domain
    assert handler(_request("/ontology.png", None), ctx).status == 404


def test_document_routes(call: Call) -> None:
    assert call("/ontologyx", accept="text/turtle").status == 404  # no route but the IRI one
    assert call("/ns.nt", accept=None).content_type == "application/n-triples"
    assert call("/shapes.ttl", method="POST").status == 405


def test_shapes_document(ctx: Context, tmp_path: Path) -> None:
    handler = _document(tmp_path, "dlkg.shapes.ttl", SHAPES)
    page = handler(_request("/shapes", "text/html"), ctx)
    text = page.body.decode("utf-8")
    assert "schema:ScholarlyArticle" in text and "A paper needs a name" in text
    jsonld = handler(_request("/shapes.jsonld", None), ctx)
    assert len(rdflib.Graph().parse(data=jsonld.body, format="json-ld")) == len(
        rdflib.Graph().parse(data=SHAPES, format="turtle")
    )


def test_missing_document_is_404(ctx: Context, tmp_path: Path) -> None:
    handler = TurtleDocument("shapes", "shapes.html", lambda: [tmp_path / "no.ttl"])
    assert handler(_request("/shapes", "text/turtle"), ctx).status == 404


def test_the_shipped_ontology_and_shapes_are_served(call: Call) -> None:
    ontology = resources.ontology_dir() / "dlkg.ttl"
    assert call("/ontology", accept="text/turtle").body == ontology.read_bytes()
    assert call("/ontology").status == 200
    shapes = rdflib.Graph()
    for path in sorted(resources.shapes_dir().glob("*.ttl")):
        shapes.parse(path, format="turtle")
    served = rdflib.Graph().parse(data=call("/shapes", accept="text/turtle").body, format="turtle")
    assert len(served) == len(shapes) > 0
    assert call("/shapes").status == 200
