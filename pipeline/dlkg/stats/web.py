"""The `/stats` route: runs the statistics queries through the server's QueryRunner once per
worker process (the served store does not change while it runs) and answers the page.

This is the only module of the package that knows the web server's types; wiring it is one
entry `stats_handler` in the server's handler list (see docs/web.md).
"""

from __future__ import annotations

import threading

from ..errors import QueryError
from ..web.http import Context, Request, Response
from ..web.render import error_page, link_prefix
from .page import pick_lang, stats_page
from .queries import Table, json_select, run_all

_CACHE: dict[tuple[str, str], dict[str, Table]] = {}
# Rendered pages by (store, language, proxy prefix): laying out the networks takes seconds.
_PAGES: dict[tuple[str, str, str, str], bytes] = {}
_MAX_PAGES = 16
_LOCK = threading.Lock()


def _tables(ctx: Context) -> dict[str, Table]:
    key = (ctx.base_iri, str(ctx.build_dir))
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = run_all(json_select(ctx.runner.select))
        return _CACHE[key]


def stats_handler(request: Request, ctx: Context) -> Response | None:
    """`GET /stats` (and `/stats/`): the statistics page, English or Chinese."""
    if request.path.rstrip("/") != "/stats" or request.method not in ("GET", "HEAD"):
        return None
    try:
        tables = _tables(ctx)
    except QueryError as error:
        return error_page(request, ctx, 503, f"the store could not answer: {error}")
    prefix = link_prefix(request)
    lang = pick_lang(request.param("lang"), request.headers.get("accept-language"))
    key = (ctx.base_iri, str(ctx.build_dir), lang, prefix)
    body = _PAGES.get(key)
    if body is None:

        def href(iri: str) -> str | None:
            path = ctx.path_for_iri(iri)
            return prefix + path if path else None

        body = stats_page(tables, lang=lang, prefix=prefix, href=href).encode("utf-8")
        if len(_PAGES) < _MAX_PAGES:  # a proxy inventing prefixes cannot grow it without end
            _PAGES[key] = body
    language = "zh-Hans" if lang == "zh" else "en"
    headers = (("Vary", "Accept-Language"), ("Content-Language", language))
    return Response(200, "text/html; charset=utf-8", body, headers=headers)
