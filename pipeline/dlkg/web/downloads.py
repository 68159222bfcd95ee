"""The dumps (/downloads), the VoID description (/void), the ontology and the SHACL shapes.

A dump is served only when its name is a plain file name listed in `build_dir/dumps` and its
real path (symlinks resolved) stays inside that folder: traversal attempts get 404 or 400.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import rdflib

from .. import resources
from ..common import PREFIX_BLOCK, sha256_file, turtle_files
from ..errors import QueryError
from ..namespaces import OWL, RDF, RDFS, SCHEMA, SH, SKOS
from .http import Context, Request, Response
from .render import (
    MEDIA_TYPES,
    RDF_MEDIA_TYPES,
    error_page,
    linker_for,
    negotiate,
    not_acceptable,
    render_html,
    rows,
    sparql_iri,
    split_extension,
)

CHECKSUMS_FILE = "SHA256SUMS"
DUMP_MEDIA_TYPES: dict[str, str] = {
    ".ttl": "text/turtle; charset=utf-8",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".jsonld": "application/ld+json",
    ".json": "application/json",
    ".rq": "application/sparql-query",
    ".txt": "text/plain; charset=utf-8",
}
_COMPRESSED = {".gz": "application/gzip", ".bz2": "application/x-bzip2", ".zip": "application/zip"}
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,200}$")
FORMATS = ("html", "turtle", "ntriples", "jsonld")


@dataclass(frozen=True)
class DumpFile:
    name: str
    size: int
    sha256: str
    media_type: str


def media_type_of(name: str) -> str:
    """The media type of a dump by its extension(s); `.ttl.gz` is gzip of Turtle."""
    if name == CHECKSUMS_FILE:
        return "text/plain; charset=utf-8"
    suffix = Path(name).suffix.lower()
    if suffix in _COMPRESSED:
        return _COMPRESSED[suffix]
    return DUMP_MEDIA_TYPES.get(suffix, "application/octet-stream")


def read_checksums(dumps: Path) -> dict[str, str]:
    """File name -> sha256 from `dumps/SHA256SUMS` (lines `<sha256>  <file name>`)."""
    sums: dict[str, str] = {}
    try:
        text = (dumps / CHECKSUMS_FILE).read_text(encoding="utf-8")
    except OSError:
        return sums
    for line in text.splitlines():
        digest, _, name = line.partition("  ")
        name = name.lstrip("*")  # binary-mode marker of sha256sum
        if re.fullmatch(r"[0-9a-f]{64}", digest) and name:
            sums[name] = digest
    return sums


def _inside(dumps: Path, name: str) -> Path | None:
    """The file `name` of the dumps folder, or None when it is not a plain file inside it."""
    if not _FILE_NAME.match(name) or ".." in name:
        return None
    try:
        root = dumps.resolve(strict=True)
        real = (dumps / name).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return real if real.parent == root and real.is_file() else None


def list_dumps(dumps: Path) -> list[DumpFile]:
    """Every file of the dumps folder with its size and sha256 (SHA256SUMS, else computed)."""
    sums = read_checksums(dumps)
    found = []
    try:
        names = sorted(p.name for p in dumps.iterdir())
    except OSError:
        return []
    for name in names:
        path = _inside(dumps, name)
        if path is None:
            continue
        digest = sums.get(name) or sha256_file(path)
        found.append(DumpFile(name, path.stat().st_size, digest, media_type_of(name)))
    return found


def downloads_handler(request: Request, ctx: Context) -> Response | None:
    """`/downloads` (the listing) and `/downloads/<file>` (one dump, ETag = its sha256)."""
    if request.path not in ("/downloads", "/downloads/") and not request.path.startswith(
        "/downloads/"
    ):
        return None
    if request.method not in ("GET", "HEAD"):
        return Response(
            405,
            "text/plain; charset=utf-8",
            b"method not allowed\n",
            headers=(("Allow", "GET, HEAD"),),
        )
    dumps = ctx.build_dir / "dumps"
    name = request.path[len("/downloads/") :]
    if not name:
        files = list_dumps(dumps)
        return render_html("downloads.html", request, ctx, {"title": "Downloads", "files": files})
    if "\x00" in name:
        return error_page(request, ctx, 400, "bad file name")
    path = _inside(dumps, name)
    if path is None:
        return error_page(request, ctx, 404, "no such download")
    digest = read_checksums(dumps).get(name) or sha256_file(path)
    etag = f'"{digest}"'
    headers = (("ETag", etag), ("Cache-Control", "public, max-age=3600"))
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(304, media_type_of(name), b"", headers=headers)
    return Response(200, media_type_of(name), path.read_bytes(), headers=headers)


def _graph_response(
    request: Request, graph: rdflib.Graph, fmt: str, raw_turtle: bytes | None
) -> Response:
    if fmt == "turtle" and raw_turtle is not None:
        body = raw_turtle  # the file as written: keeps its comments and order
    else:
        rdflib_format = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld"}[fmt]
        body = graph.serialize(format=rdflib_format, encoding="utf-8")
    return Response(200, MEDIA_TYPES[fmt], body, headers=(("Vary", "Accept"),))


def _format_for(request: Request, paths: tuple[str, ...]) -> tuple[bool, str | None]:
    """(is this request for one of `paths`, negotiated format) with `.ttl`-style extensions."""
    stem, ext_fmt = split_extension(request.path)
    if request.path in paths:
        return True, negotiate(request.headers.get("accept"), FORMATS)
    if stem in paths and ext_fmt is not None:
        return True, ext_fmt
    return False, None


def void_handler(request: Request, ctx: Context) -> Response | None:
    """`/void`: the meta graph (VoID + DCAT + sources) as Turtle, N-Triples, JSON-LD or HTML."""
    ours, fmt = _format_for(request, ("/void",))
    if not ours or request.method not in ("GET", "HEAD"):
        return None
    if fmt is None:
        return not_acceptable(FORMATS)
    meta = sparql_iri(ctx.iri_for_path("graph/meta"))
    try:
        if fmt != "html":
            construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {meta} {{ ?s ?p ?o }} }}"
            body = ctx.runner.graph(construct, RDF_MEDIA_TYPES[fmt])
            return Response(200, MEDIA_TYPES[fmt], body, headers=(("Vary", "Accept"),))
        select = (
            PREFIX_BLOCK
            + f"SELECT ?s ?p ?o WHERE {{ GRAPH {meta} {{ ?s ?p ?o }} }} ORDER BY ?s ?p ?o"
        )
        found = rows(ctx.runner.select(select))
    except QueryError as error:
        return error_page(request, ctx, 503, f"the store could not answer: {error}")
    linker = linker_for(request, ctx)
    subjects: dict[str, list[tuple[object, object]]] = {}
    for row in found:
        s, p, o = (linker.term(row.get(n)) for n in ("s", "p", "o"))
        if s and p and o:
            subjects.setdefault(s.value, []).append((p, o))
    groups = [(linker.term({"type": "uri", "value": s}), st) for s, st in subjects.items()]
    return render_html(
        "void.html", request, ctx, {"title": "Dataset description (VoID)", "groups": groups}
    )


@dataclass(frozen=True)
class TurtleDocument:
    """A handler serving Turtle files at fixed paths (the ontology, the shapes), or as HTML."""

    paths: tuple[str, ...]
    title: str
    template: str
    files: Callable[[], list[Path]]

    def __call__(self, request: Request, ctx: Context) -> Response | None:
        ours, fmt = _format_for(request, self.paths)
        if not ours or request.method not in ("GET", "HEAD"):
            return None
        if fmt is None:
            return not_acceptable(FORMATS)
        try:
            files = self.files()
            graph = rdflib.Graph()
            for path in files:
                graph.parse(path, format="turtle")
        except (OSError, FileNotFoundError, SyntaxError) as error:
            return error_page(request, ctx, 404, f"{self.title} is not available: {error}")
        if not files:
            return error_page(request, ctx, 404, f"{self.title} is not available")
        if fmt != "html":
            raw = files[0].read_bytes() if len(files) == 1 else None
            return _graph_response(request, graph, fmt, raw)
        return render_html(
            self.template, request, ctx, {"title": self.title, **describe_terms(graph)}
        )


def _text(
    graph: rdflib.Graph, node: rdflib.term.Node, predicate: rdflib.URIRef, lang: str | None = None
) -> str:
    for obj in graph.objects(node, predicate):
        if lang is None or (
            isinstance(obj, rdflib.Literal) and (obj.language or "").startswith(lang)
        ):
            return str(obj)
    return ""


def _objects(graph: rdflib.Graph, node: rdflib.term.Node, *predicates: rdflib.URIRef) -> list[str]:
    """IRIs of the values of any of `predicates` (rdfs:domain and schema:domainIncludes...)."""
    return sorted({str(o) for p in predicates for o in graph.objects(node, p)})


def _path_text(graph: rdflib.Graph, prop: rdflib.term.Node) -> str:
    """A property shape's sh:path as SPARQL-like text (`^p` for an inverse path)."""
    path = next(iter(graph.objects(prop, SH.path)), None)
    if isinstance(path, rdflib.BNode):
        inverse = next(iter(graph.objects(path, SH.inversePath)), None)
        return "^" + str(inverse) if inverse is not None else "(complex path)"
    return str(path) if path is not None else ""


def describe_terms(graph: rdflib.Graph) -> dict[str, object]:
    """Ontology terms and SHACL shapes of `graph`, flattened for the HTML templates."""
    terms = []
    kinds = {
        OWL.Class: "class",
        RDFS.Class: "class",
        OWL.ObjectProperty: "property",
        OWL.DatatypeProperty: "property",
        RDF.Property: "property",
        OWL.AnnotationProperty: "property",
    }
    seen: set[str] = set()
    for rdf_type, kind in kinds.items():
        for term in sorted(set(graph.subjects(RDF.type, rdf_type)), key=str):
            if not isinstance(term, rdflib.URIRef) or str(term) in seen:
                continue
            seen.add(str(term))
            terms.append(
                {
                    "iri": str(term),
                    "kind": kind,
                    "anchor": re.split(r"[#/]", str(term))[-1],
                    "label_en": _text(graph, term, RDFS.label, "en"),
                    "label_zh": _text(graph, term, RDFS.label, "zh"),
                    "comment": _text(graph, term, RDFS.comment, "en")
                    or _text(graph, term, RDFS.comment),
                    "domain": _objects(graph, term, RDFS.domain, SCHEMA.domainIncludes),
                    "range": _objects(graph, term, RDFS.range, SCHEMA.rangeIncludes),
                    "parents": [str(o) for o in graph.objects(term, RDFS.subClassOf)]
                    + [str(o) for o in graph.objects(term, RDFS.subPropertyOf)],
                }
            )
    shapes = []
    for shape in sorted(set(graph.subjects(RDF.type, SH.NodeShape)), key=str):
        props = [
            {
                "path": _path_text(graph, prop),
                "datatype": _text(graph, prop, SH.datatype) or _text(graph, prop, SH["class"]),
                "min": _text(graph, prop, SH.minCount),
                "max": _text(graph, prop, SH.maxCount),
                "severity": _text(graph, prop, SH.severity).rsplit("#", 1)[-1],
                "message": _text(graph, prop, SH.message, "en") or _text(graph, prop, SH.message),
            }
            for prop in graph.objects(shape, SH.property)
        ]
        checks = [
            {
                "message": _text(graph, check, SH.message, "en") or _text(graph, check, SH.message),
                "select": _text(graph, check, SH.select),
            }
            for check in graph.objects(shape, SH.sparql)
        ]
        shapes.append(
            {
                "iri": str(shape),
                "anchor": re.split(r"[#/]", str(shape))[-1],
                "label_en": _text(graph, shape, RDFS.label, "en"),
                "label_zh": _text(graph, shape, RDFS.label, "zh"),
                "comment": _text(graph, shape, RDFS.comment, "en"),
                "targets": [str(o) for o in graph.objects(shape, SH.targetClass)],
                "message": _text(graph, shape, SH.message, "en"),
                "properties": sorted(props, key=lambda p: p["path"]),
                "checks": checks,
            }
        )
    header = next(iter(graph.subjects(RDF.type, OWL.Ontology)), None)
    about = {
        "iri": str(header) if header else "",
        "label": _text(graph, header, RDFS.label, "en") if header else "",
        "comment": _text(graph, header, RDFS.comment, "en") if header else "",
        "scheme_note": _text(graph, header, SKOS.note) if header else "",
    }
    return {"terms": terms, "shapes": shapes, "about": about, "triples": len(graph)}


ontology_handler = TurtleDocument(
    paths=("/ontology", "/ns"),  # "/ns": the ontology's namespace IRI under the default base
    title="The dlkg ontology",
    template="ontology.html",
    files=lambda: [resources.ontology_dir() / "dlkg.ttl"],
)
shapes_handler = TurtleDocument(
    paths=("/shapes",),
    title="The dlkg SHACL shapes",
    template="shapes.html",
    files=lambda: turtle_files(resources.shapes_dir()),
)
