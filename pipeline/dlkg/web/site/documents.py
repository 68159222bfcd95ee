"""The ontology (/ontology, /ns) and the SHACL shapes (/shapes): Turtle files as RDF or HTML."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import rdflib

from ... import formats, resources
from ...common import turtle_files
from ...namespaces import OWL, RDF, RDFS, SCHEMA, SH, SKOS
from ..http import Context, Request, Response
from .render import error_page, not_acceptable, page_format, render_html


@dataclass(frozen=True)
class TurtleDocument:
    """A handler serving Turtle files (the ontology, the shapes) as RDF or as an HTML table.

    Routes `/x` and `/x.{ext}` (the route table names the paths); one file is served as
    written in Turtle (comments and order kept), several are merged.
    """

    title: str
    template: str
    files: Callable[[], list[Path]]
    title_key: str = ""  # the page title in the interface's languages (i18n.py), if any

    def __call__(self, request: Request, ctx: Context) -> Response:
        known, fmt = page_format(request)
        if not known:
            return error_page(request, ctx, 404, f"no such format: {request.path}")
        if fmt is None:
            return not_acceptable(formats.PAGE_FORMATS)
        try:
            files = self.files()
            graph = rdflib.Graph()
            for path in files:
                graph.parse(path, format="turtle")
        except (OSError, FileNotFoundError, SyntaxError) as error:
            return error_page(request, ctx, 404, f"{self.title} is not available: {error}")
        if not files:
            return error_page(request, ctx, 404, f"{self.title} is not available")
        if fmt is not formats.HTML:
            if fmt is formats.TURTLE and len(files) == 1:
                body = files[0].read_bytes()  # the file as written: keeps its comments and order
            else:  # rdflib names its serializers by media type too
                body = graph.serialize(format=fmt.media_type, encoding="utf-8")
            return Response(200, fmt.content_type, body, headers=(("Vary", "Accept"),))
        return render_html(
            self.template,
            request,
            ctx,
            {"title": self.title, "title_key": self.title_key, **describe_terms(graph)},
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
    title="The dlkg ontology",
    title_key="ontology.title",
    template="ontology.html",
    files=lambda: [resources.ontology_dir() / "dlkg.ttl"],
)
shapes_handler = TurtleDocument(
    title="The dlkg SHACL shapes",
    title_key="shapes.title",
    template="shapes.html",
    files=lambda: turtle_files(resources.shapes_dir()),
)
