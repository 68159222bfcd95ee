"""Content-Encoding for every response of the site: brotli or gzip, chosen by Accept-Encoding.

One mechanism for pages, SPARQL results, RDF, JavaScript, CSS and dumps: `Site` passes each
finished response through `encode`. Responses with a strong ETag (static files, dumps: their
bodies are fixed for the life of the worker) are compressed once, at a higher level, and kept
in a small per-worker cache keyed by ETag and encoding; everything else is compressed per
request at a fast level (a page is built per request anyway). Tiny bodies and formats that are
already compressed go out as they are. Each encoded variant gets its own ETag
(`"<hash>-br"`), as RFC 9110 §8.8.3 asks of a different representation.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace

from ... import formats
from ..http import Request, Response, with_vary

try:  # brotli is a dependency; without it (a trimmed install) gzip still works
    import brotli
except ImportError:  # pragma: no cover - the project installs it
    brotli = None

MIN_SIZE = 1024  # below this the headers cost more than the bytes saved
CACHE_BYTES = 64 << 20  # per worker: every dump of the real build is about 1 MB compressed
_TEXTUAL_TYPES = frozenset(
    {
        "application/json",
        "application/ld+json",
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "application/sparql-query",
        "application/n-triples",
        "application/n-quads",
        "application/trig",
        "application/rdf+xml",
        "application/xml",
        "application/javascript",
        "image/svg+xml",
    }
)
_SUFFIXES = ("-br", "-gzip")


def compressible(content_type: str) -> bool:
    """Text-like media types; gzip/zip/images/fonts are compressed already."""
    media = content_type.split(";")[0].strip().lower()
    return media.startswith("text/") or media in _TEXTUAL_TYPES


def choose_encoding(accept_encoding: str | None) -> str | None:
    """ "br", "gzip" or None, by the client's Accept-Encoding (q-values; `*`; q=0 refuses)."""
    if not accept_encoding:
        return None
    quality = {name.lower(): q for name, q in formats.weighted(accept_encoding) if name}
    offered = ("br", "gzip") if brotli is not None else ("gzip",)
    scored = [(quality.get(c, quality.get("*", 0.0)), -i, c) for i, c in enumerate(offered)]
    q, _, best = max(scored)
    return best if q > 0 else None


def _compress(body: bytes, encoding: str, *, once: bool) -> bytes:
    if encoding == "br":
        assert brotli is not None
        # quality 9 for a body compressed once (about 0.2 s for the 5 MB N-Quads dump);
        # 5 per request, as fast as gzip and smaller
        compressed: bytes = brotli.compress(body, quality=9 if once else 5)
        return compressed
    return gzip.compress(body, compresslevel=9 if once else 6, mtime=0)


class _Cache:
    """Compressed bodies by (ETag, encoding), least recently used out beyond CACHE_BYTES."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.items: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: tuple[str, str], make: Callable[[], bytes]) -> bytes:
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
                return found
        body: bytes = make()
        with self.lock:
            if key not in self.items and len(body) <= self.limit:
                self.items[key] = body
                self.size += len(body)
                while self.size > self.limit:
                    _, dropped = self.items.popitem(last=False)
                    self.size -= len(dropped)
        return body


CACHE = _Cache(CACHE_BYTES)


def plain_etag(etag: str) -> str:
    """The ETag of the unencoded body, from the ETag of any of its encoded variants."""
    for suffix in _SUFFIXES:
        if etag.endswith(suffix + '"'):
            return etag[: -len(suffix) - 1] + '"'
    return etag


def etag_matches(request: Request, etag: str) -> bool:
    """Whether If-None-Match names `etag` or one of its encoded variants (then: 304)."""
    sent = request.headers.get("if-none-match", "")
    return any(plain_etag(tag.strip()) == etag for tag in sent.split(",")) or sent.strip() == "*"


def _set_etag(headers: tuple[tuple[str, str], ...], etag: str) -> tuple[tuple[str, str], ...]:
    return tuple((k, etag if k.lower() == "etag" else v) for k, v in headers)


def encode(request: Request, response: Response) -> Response:
    """The response, compressed when the client accepts it and it is worth it."""
    if len(response.body) < MIN_SIZE and response.status != 304:
        return response  # the common small answer (a lookup): nothing else to look at
    if not compressible(response.content_type) or any(
        k.lower() == "content-encoding" for k, _ in response.headers
    ):
        return response
    etag = next((v for k, v in response.headers if k.lower() == "etag"), "")
    is_304 = response.status == 304
    if not is_304 and len(response.body) < MIN_SIZE:
        return response
    headers = with_vary(response.headers, "Accept-Encoding")
    encoding = choose_encoding(request.headers.get("accept-encoding"))
    if encoding is None:
        return replace(response, headers=headers)
    strong = etag.startswith('"')
    if is_304:  # the variant the client holds is the one it names
        sent = [t.strip() for t in request.headers.get("if-none-match", "").split(",")]
        held = next((t for t in sent if plain_etag(t) == etag), etag)
        return replace(response, headers=_set_etag(headers, held))
    if strong:
        headers = _set_etag(headers, etag[:-1] + f'-{encoding}"')
    if strong:
        body = CACHE.get((etag, encoding), lambda: _compress(response.body, encoding, once=True))
    else:
        body = _compress(response.body, encoding, once=False)
    return replace(response, body=body, headers=(*headers, ("Content-Encoding", encoding)))
