"""The `/stats` route: runs the statistics queries through the server's QueryRunner once per
worker process (the served store does not change while it runs) and answers the page.

`/stats?person=/person/hinton-g` (a local path or the IRI) adds that person's ranks and
co-authors on top and centres the network on them: what person pages link to. This is the only
module that joins the statistics (dlkg.stats) to the site; it is one route in site/app.py
(see docs/web.md).
"""

from __future__ import annotations

import threading

from ...errors import QueryError
from ...stats.network import SCOPES, Network, build_network
from ...stats.page import pick_lang, stats_page
from ...stats.queries import Table, json_select, run_all
from ..http import Context, Request, Response
from . import i18n
from .render import error_page, link_prefix

_TABLES: dict[tuple[str, str], tuple[dict[str, Table], dict[str, Network]]] = {}
# Rendered pages without a person, by (store, language, proxy prefix).
_PAGES: dict[tuple[str, str, str, str], bytes] = {}
_MAX_PAGES = 16  # a proxy inventing prefixes cannot grow the cache without end
_LOCK = threading.Lock()


def _data(ctx: Context) -> tuple[dict[str, Table], dict[str, Network]]:
    key = (ctx.base_iri, str(ctx.build_dir))
    with _LOCK:
        if key not in _TABLES:
            tables = run_all(json_select(ctx.runner.select))
            # laying out the networks takes seconds: once per worker process
            _TABLES[key] = tables, {s: build_network(tables, s) for s in SCOPES}
        return _TABLES[key]


def stats_handler(request: Request, ctx: Context) -> Response:
    """`GET /stats` (and `/stats/`): the statistics page, English or Chinese."""
    try:
        tables, networks = _data(ctx)
    except QueryError as error:
        return error_page(request, ctx, 503, f"the store could not answer: {error}")
    prefix = link_prefix(request)
    # the site's one choice of language (?lang=, the cookie, Accept-Language): see i18n.py
    chosen, _ = i18n.choose_language(request)
    lang = pick_lang("zh" if chosen == i18n.ZH else "en", None)
    person = request.param("person") or None
    if person is not None and person.startswith("/"):
        person = ctx.iri_for_path(person)
    key = (ctx.base_iri, str(ctx.build_dir), lang, prefix)
    body = None if person else _PAGES.get(key)
    if body is None:

        def href(iri: str) -> str | None:
            path = ctx.path_for_iri(iri)
            return prefix + path if path else None

        html = stats_page(
            tables, lang=lang, prefix=prefix, href=href, networks=networks, person=person
        )
        body = html.encode("utf-8")
        if person is None and len(_PAGES) < _MAX_PAGES:
            _PAGES[key] = body
    language = "zh-Hans" if lang == "zh" else "en"
    headers = (("Vary", "Accept-Language, Cookie"), ("Content-Language", language))
    return Response(200, "text/html; charset=utf-8", body, headers=headers)
