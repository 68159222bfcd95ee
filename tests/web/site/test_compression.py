"""Content-Encoding (brotli, gzip) for pages, results, scripts and dumps; Turtle's prefixes."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import pyoxigraph as ox
import pytest

from dlkg.web.site import compress
from dlkg.web.site.runner import turtle_with_used_prefixes

from ..helpers import Call, Live, vary_names

EDITOR = "/static/vendor/editor.js"
PAPER = "/paper/arxiv-1503.02531"


def decoded(body: bytes, encoding: str | None) -> bytes:
    if encoding == "br":
        return bytes(brotli.decompress(body))
    return gzip.decompress(body) if encoding == "gzip" else body


@pytest.mark.parametrize(
    ("accept_encoding", "expected"),
    [(None, None), ("", None), ("gzip", "gzip"), ("br", "br"), ("gzip, deflate, br", "br"),
     ("br;q=0, gzip", "gzip"), ("br;q=0.5, gzip", "gzip"), ("*", "br"), ("*;q=0", None),
     ("identity", None), ("gzip;q=0, br;q=0", None), ("deflate", None)],
)  # fmt: skip
def test_encoding_follows_accept_encoding(accept_encoding: str | None, expected: str) -> None:
    assert compress.choose_encoding(accept_encoding) == expected


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_editor_bundle_is_compressed_once_and_cached(call: Call, encoding: str) -> None:
    plain = call(EDITOR, accept=None)
    assert len(plain.body) > 100_000  # the bundle is about 400 KB
    assert all(k != "Content-Encoding" for k, _ in plain.headers)
    assert "Accept-Encoding" in vary_names(dict(plain.headers))
    first = call(EDITOR, accept=None, accept_encoding=encoding)
    headers = dict(first.headers)
    assert headers["Content-Encoding"] == encoding
    assert decoded(first.body, encoding) == plain.body
    assert len(first.body) < len(plain.body) / 2
    etag = headers["ETag"]
    assert etag == dict(plain.headers)["ETag"][:-1] + f'-{encoding}"'  # its own variant's tag
    again = call(EDITOR, accept=None, accept_encoding=encoding)
    assert again.body is first.body  # the cached bytes, not a second compression
    revalidate = call(EDITOR, accept=None, accept_encoding=encoding, if_none_match=etag)
    assert revalidate.status == 304 and dict(revalidate.headers)["ETag"] == etag


def test_pages_and_results_are_compressed_tiny_answers_are_not(call: Call) -> None:
    page = call(PAPER, accept_encoding="gzip")
    assert dict(page.headers)["Content-Encoding"] == "gzip"
    assert b"Distilling the knowledge" in gzip.decompress(page.body)
    assert {"Accept", "Accept-Encoding"} <= vary_names(dict(page.headers))
    rdf = call(PAPER, accept="application/ld+json", accept_encoding="br")
    assert b"@id" in decoded(rdf.body, "br")
    tiny = call("/queries/nope.rq", accept="text/plain", accept_encoding="gzip")
    assert len(tiny.body) < compress.MIN_SIZE
    assert all(k != "Content-Encoding" for k, _ in tiny.headers)


def test_dumps_compress_and_revalidate(call: Call, build_dir: Path) -> None:
    big = build_dir / "dumps" / "big.nt"
    line = b'<https://w3id.org/dlkg/paper/x> <http://schema.org/name> "x" .\n'
    big.write_bytes(line * 200)
    reply = call("/downloads/big.nt", accept=None, accept_encoding="br")
    headers = dict(reply.headers)
    assert headers["Content-Encoding"] == "br" and decoded(reply.body, "br") == line * 200
    again = call("/downloads/big.nt", accept=None, if_none_match=headers["ETag"])
    assert again.status == 304
    gz = call("/downloads/big.nt", accept=None, accept_encoding="gzip")
    assert dict(gz.headers)["Content-Encoding"] == "gzip"


def test_over_http_the_length_is_the_compressed_length(live: Live) -> None:
    reply = live.request("GET", EDITOR, headers={"Accept-Encoding": "gzip"})
    assert reply.headers["content-encoding"] == "gzip"
    assert int(reply.headers["content-length"]) == len(reply.body)
    assert b"DlkgEditor" in gzip.decompress(reply.body)
    head = live.request("HEAD", EDITOR, headers={"Accept-Encoding": "gzip"})
    assert head.headers["content-length"] == reply.headers["content-length"]


# --- Turtle declares the prefixes it uses, no others --------------------------------------


def declared_and_used(turtle: str) -> tuple[set[str], set[str]]:
    declared = set(re.findall(r"^@prefix (\w*):", turtle, re.M))
    body = re.sub(r'^@prefix .*$|<[^>]*>|"(?:[^"\\]|\\.)*"', " ", turtle, flags=re.M)
    used = set(re.findall(r"(?<![\w:/#.-])([A-Za-z]\w*):", body))
    return declared, used


@pytest.mark.parametrize(
    "path", [PAPER + ".ttl", "/person/hinton-g.ttl", "/void.ttl", "/list/awesome.ttl"]
)
def test_turtle_pages_declare_only_used_prefixes(call: Call, path: str) -> None:
    reply = call(path, accept=None)
    assert reply.status == 200 and reply.content_type.startswith("text/turtle")
    declared, used = declared_and_used(reply.body.decode())
    assert declared and declared == used


def test_construct_results_declare_only_used_prefixes(live: Live) -> None:
    query = "CONSTRUCT { ?p <http://schema.org/name> ?n } WHERE { ?p <http://schema.org/name> ?n }"
    reply = live.get(query, accept="text/turtle")
    assert re.findall(r"^@prefix (\w*):", reply.text, re.M) == ["schema"]


def test_used_prefixes_ignore_strings_rdf_type_and_numbers() -> None:
    s, name = ox.NamedNode("http://schema.org/a"), ox.NamedNode("http://schema.org/name")
    triples = [
        ox.Triple(s, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), s),
        ox.Triple(s, name, ox.Literal('see skos:x and <dlkg:y> "')),
        ox.Triple(s, name, ox.Literal(3)),
    ]
    turtle = turtle_with_used_prefixes(triples).decode()
    assert re.findall(r"^@prefix (\w*):", turtle, re.M) == ["schema"]
    assert len(list(ox.parse(turtle.encode(), ox.RdfFormat.TURTLE))) == 3
