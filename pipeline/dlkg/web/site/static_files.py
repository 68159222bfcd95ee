"""`/static/...`: the pages' CSS and JavaScript, and the editor bundle under `vendor/`."""

from __future__ import annotations

import re
from pathlib import Path

from ...common import sha256_bytes
from ..http import Context, Request, Response
from .compress import etag_matches
from .render import error_page

STATIC_DIR = Path(__file__).resolve().parent / "static"
# Not RDF: the media types of the files a page loads.
STATIC_TYPES: dict[str, str] = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
}
_STATIC_SEGMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")


def static_handler(request: Request, ctx: Context) -> Response:
    """`/static/...`: the CSS/JS of the pages (and the bundled editor under vendor/)."""
    parts = request.params["path"].split("/")
    if not all(_STATIC_SEGMENT.match(p) for p in parts):
        return error_page(request, ctx, 404, "no such file")
    root = STATIC_DIR.resolve()
    try:
        path = root.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError):
        return error_page(request, ctx, 404, "no such file")
    if not path.is_file() or root not in path.parents:
        return error_page(request, ctx, 404, "no such file")
    body = path.read_bytes()
    etag = '"' + sha256_bytes(body)[:32] + '"'
    headers = (("ETag", etag), ("Cache-Control", "public, max-age=300"))
    media = STATIC_TYPES.get(path.suffix, "application/octet-stream")
    if etag_matches(request, etag):
        return Response(304, media, b"", headers=headers)
    return Response(200, media, body, headers=headers)
