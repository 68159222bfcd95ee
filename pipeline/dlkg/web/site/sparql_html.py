"""/sparql for a browser: the query UI, with the results rendered as HTML when there is a query.

A browser following a link to /sparql (or the query form posting without JavaScript) asks for
text/html first; without this it would get a Turtle or RDF/XML download. Only a client that
prefers text/html to every result format gets HTML (`*/*` keeps the protocol's defaults), and
an explicit `format=` always wins.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import cast

from ... import formats
from ...errors import ProtocolError
from ..http import Context, Request, Response
from .home import _query_page as query_page
from .home import query_page_handler
from .render import error_page
from .sparql import Evaluator, ProtocolQuery, parse_request, sparql_handler

# Offered after every protocol format: a tie (`*/*`, no Accept) goes to the protocol's choice.
_OFFERED = (*formats.RESULT_FORMATS, *formats.GRAPH_FORMATS, formats.HTML)
# What the HTML view asks the engine for: JSON for solutions and booleans, N-Triples for graphs.
_ENGINE_ACCEPT = f"{formats.JSON.media_type}, {formats.N_TRIPLES.media_type}"


def wants_html(request: Request) -> bool:
    """Whether a /sparql request prefers HTML to every protocol format (and named none)."""
    if request.param("format") is not None:
        return False
    return _prefers_html(request.headers.get("accept"))


@lru_cache(maxsize=512)  # a handful of Accept headers repeat on every request
def _prefers_html(accept: str | None) -> bool:
    return formats.negotiate(accept, _OFFERED) is formats.HTML


@dataclass(frozen=True)
class HtmlResult:
    names: list[str]
    rows: list[list[str]]
    boolean: bool | None = None
    graph: str | None = None
    truncated: bool = False
    max_rows: int = 0


def html_answer(
    request: Request, ctx: Context, evaluator: Evaluator, operation: ProtocolQuery | None
) -> Response:
    """The query UI (no query), or the UI with the query and its results as a table."""
    if operation is None:
        return query_page_handler(request, ctx)
    try:
        done = evaluator.evaluate(replace(operation, format=None, accept=_ENGINE_ACCEPT))
    except ProtocolError as failed:
        return error_page(request, ctx, failed.status, failed.message)
    if done.media_type.startswith(formats.N_TRIPLES.media_type):
        result = HtmlResult([], [], graph=done.body.decode("utf-8"))
    else:
        parsed = json.loads(done.body)
        if "boolean" in parsed:
            result = HtmlResult([], [], boolean=bool(parsed["boolean"]))
        else:
            names = list(parsed["head"].get("vars", []))
            rows = [[_cell(b.get(n)) for n in names] for b in parsed["results"]["bindings"]]
            result = HtmlResult(names, rows)
    result = replace(result, truncated=done.truncated, max_rows=done.max_rows)
    status = 206 if done.truncated else 200
    response = query_page(
        request,
        ctx,
        "query.html",
        title_key="query.results",
        result=result,
        query_text=operation.text,
    )
    return replace(response, status=status)


def _cell(term: dict[str, str] | None) -> str:
    """A result term as text: IRIs bare, literals with their language or datatype."""
    if term is None:
        return ""
    text = term.get("value", "")
    if term.get("type") == "bnode":
        return f"_:{text}"
    if "xml:lang" in term:
        return f"{text} @{term['xml:lang']}"
    return text


def sparql_route(request: Request, ctx: Context) -> Response:
    """The /sparql route: a browser (HTML preferred, no `format=`) gets the query UI with the
    results; every other client the SPARQL protocol (sparql.sparql_handler)."""
    if wants_html(request):
        evaluator = cast(Evaluator, ctx.runner)  # checked below, as cheaply as it can be
        # Not isinstance(.., Evaluator): a runtime Protocol check costs ~10 µs per request.
        assert hasattr(evaluator, "evaluate"), "the site's runner evaluates protocol queries"
        try:
            operation = parse_request(request)
        except ProtocolError:
            return sparql_handler(request, ctx)  # the protocol's own error answer
        return html_answer(request, ctx, evaluator, operation)
    return sparql_handler(request, ctx)
