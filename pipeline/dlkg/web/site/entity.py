"""Linked-data pages: every IRI under the base dereferences here (HTML, Turtle, N-Triples, JSON-LD).

The entity route maps `/paper/x` to the IRI `base + "paper/x"`, asks the QueryRunner what it
knows about it and renders a page for its type (paper, person, list, list item, section,
section scheme) on top of the generic page every node gets: all its statements, out and in,
with their graphs. It is the route table's last route: paths no other route owns come here.
"""

from __future__ import annotations

from urllib.parse import quote

from ... import formats
from ...errors import QueryError
from ..http import Context, Request, Response, error_response
from .entity_queries import Q_DESCRIBE, Q_GRAPH_SIZE, query
from .entity_views import Node, details, load_node, page_title
from .render import (
    Linker,
    error_page,
    iri_for_request_path,
    linker_for,
    not_acceptable,
    render_html,
    rows,
    sparql_iri,
    split_extension,
    value,
)

# First path segments of the IRIs the dataset mints: an unknown IRI there is our 404.
DATASET_SEGMENTS = frozenset({"paper", "person", "list", "source", "graph", "dataset", "build"})
# Paths other routes own: what they do not match is nothing here, not an IRI to look up.
RESERVED_SEGMENTS = frozenset(
    {"", "sparql", "static", "downloads", "query", "queries", "void", "ontology", "shapes", "stats"}
)


def _describe(ctx: Context, iri: str, fmt: formats.Format) -> Response:
    body = ctx.runner.graph(query(Q_DESCRIBE, iri), fmt.media_type)
    return Response(200, fmt.content_type, body, headers=(("Vary", "Accept"),))


def _html(request: Request, ctx: Context, linker: Linker, node: Node) -> Response:
    path = ctx.path_for_iri(node.iri) or ""
    alternates = [
        (linker.local(f"{path}.{fmt.extension}"), fmt.media_type)
        for fmt in formats.PAGE_FORMATS
        if fmt is not formats.HTML
    ]
    graph_size = 0
    if node.kind == "generic":  # a named graph's page says how big it is
        found = rows(ctx.runner.select(query(Q_GRAPH_SIZE, node.iri)))
        graph_size = int(value(found[0], "n") or 0) if found else 0
    graph_query = (
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {sparql_iri(node.iri)} {{ ?s ?p ?o }} }}"
        " LIMIT 1000"
    )
    return render_html(
        "entity.html",
        request,
        ctx,
        {
            **details(ctx, linker, node),
            "node": node,
            "title": page_title(node),
            "alternates": alternates,
            "graph_size": graph_size,
            "graph_query_href": linker.local("/query?query=" + quote(graph_query, safe="")),
        },
    )


def entity_handler(request: Request, ctx: Context) -> Response:
    """Dereference a dataset IRI: HTML or RDF by Accept, or by extension (`/paper/x.ttl`)."""
    segment = request.path.lstrip("/").split("/", 1)[0]
    if segment in RESERVED_SEGMENTS:
        return error_response(404, f"nothing here: {request.path}")
    linker = linker_for(request, ctx)
    try:
        fmt = formats.negotiate(request.headers.get("accept"), formats.PAGE_FORMATS)
        iri = iri_for_request_path(ctx, request.path)
        node = load_node(ctx, linker, iri)
        if node is None:  # maybe /paper/x.ttl: the IRI without the extension, in that format
            stem, ext_fmt = split_extension(request.path)
            if ext_fmt is not None:
                node = load_node(ctx, linker, iri_for_request_path(ctx, stem))
                fmt = ext_fmt
        if node is None:
            if segment not in DATASET_SEGMENTS:
                return error_response(404, f"nothing here: {request.path}")
            return error_page(request, ctx, 404, f"nothing is known about {iri}")
        if fmt is None:
            return not_acceptable(formats.PAGE_FORMATS)
        if fmt is not formats.HTML:
            return _describe(ctx, node.iri, fmt)
        return _html(request, ctx, linker, node)
    except ValueError:
        return error_page(request, ctx, 400, "this path is not an IRI of the dataset")
    except QueryError as error:
        return error_page(request, ctx, 503, f"the store could not answer: {error}")
