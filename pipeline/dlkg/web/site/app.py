"""The site: its route table, and `create_app`, which a worker process runs.

`ROUTES` is every path the server answers (besides CORS preflight, which the front answers
itself), in matching order; the entity route comes last and takes every other path as a
dataset IRI. Adding a page means adding a handler module and one line here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ...memory_budget import ceiling_note
from ...sandbox import describe_isolation
from ..guard import GuardLimits
from ..http import Context, Request, Response
from ..server.settings import ServeSettings
from . import compress, documents, downloads, home, report, static_files, stats
from .entity import entity_handler
from .remote import RemoteRunner
from .routing import Route, dispatch
from .runner import LocalRunner, RunnerSettings
from .sparql_html import sparql_route

GET = ("GET",)
ROUTES: tuple[Route, ...] = (
    Route(("GET", "POST"), "/sparql", sparql_route),
    Route(("GET", "POST"), "/sparql/", sparql_route),
    Route(GET, "/", home.home_handler),
    Route(GET, "/index.html", home.home_handler),
    Route(GET, "/query", home.query_page_handler),
    Route(GET, "/queries/{name}", home.query_file_handler),
    Route(GET, "/static/{path:path}", static_files.static_handler),
    Route(GET, "/downloads", downloads.listing_handler),
    Route(GET, "/downloads/", downloads.listing_handler),
    Route(GET, "/downloads/{name:path}", downloads.download_handler),
    Route(GET, "/void", downloads.void_handler),
    Route(GET, "/void.{ext}", downloads.void_handler),
    Route(GET, "/ontology", documents.ontology_handler),
    Route(GET, "/ontology.{ext}", documents.ontology_handler),
    # "/ns": the ontology's namespace IRI under the default base
    Route(GET, "/ns", documents.ontology_handler),
    Route(GET, "/ns.{ext}", documents.ontology_handler),
    Route(GET, "/shapes", documents.shapes_handler),
    Route(GET, "/shapes.{ext}", documents.shapes_handler),
    Route(GET, "/stats", stats.stats_handler),
    Route(GET, "/stats/", stats.stats_handler),
    Route(GET, "/report", report.report_handler),
    Route(GET, "/{path:path}", entity_handler),
)


@dataclass(frozen=True)
class Site:
    """The `App` a worker runs: the route table over one context."""

    ctx: Context
    routes: tuple[Route, ...] = ROUTES

    def __call__(self, request: Request) -> Response:
        return compress.encode(request, dispatch(self.routes, request, self.ctx))


def build_site(
    store: ox.Store,
    *,
    base_iri: str,
    build_dir: Path,
    queries_dir: Path,
    max_rows: int = 10_000,
    guard_limits: GuardLimits | None = None,
    allowed_services: tuple[str, ...] = (),
    limits_note: str = "",
    sparql_url: str | None = None,
    timeout_s: float = 10.0,
) -> Site:
    """The site over an open store (what tests use directly, without a server), or with every
    query sent to the SPARQL endpoint `sparql_url` (`RemoteRunner`)."""
    cfg = RunnerSettings(base_iri, max_rows, guard_limits or GuardLimits(), allowed_services)
    runner = (
        LocalRunner(store, cfg)
        if sparql_url is None
        else RemoteRunner(sparql_url, cfg, timeout_s=timeout_s)
    )
    ctx = Context(runner, base_iri, build_dir, queries_dir, allowed_services, limits_note)
    return Site(ctx)


def create_app(settings: ServeSettings, store: ox.Store) -> Site:
    """The worker's app (`ServeSettings.app` names this function)."""
    assert settings.queries_dir is not None, "create_server fills in the queries folder"
    note = (
        f"Read-only. Each query runs at most {settings.timeout_s:g} s and returns at most "
        f"{settings.max_rows} rows; a longer result answers 206 with Content-Range. "
        f"Workers: {describe_isolation(settings.isolation)}{ceiling_note(settings.memory_limit)}."
    )
    return build_site(
        store,
        base_iri=settings.base_iri,
        build_dir=settings.build_dir,
        queries_dir=settings.queries_dir,
        max_rows=settings.max_rows,
        guard_limits=settings.guard_limits,
        allowed_services=settings.allowed_service_endpoints,
        limits_note=note,
        sparql_url=settings.sparql_url,
        timeout_s=settings.timeout_s,
    )
