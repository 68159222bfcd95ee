"""HTTP/1.1 on the wire: request heads in, response bytes out (both processes use it).

The front frames requests itself (front.py); workers parse the head a job carries into a
`Request` and encode the app's `Response`, so the front only copies bytes back.
"""

from __future__ import annotations

import binascii
import re
from http import HTTPStatus
from urllib.parse import unquote

from ..http import Request, Response

EXPOSED_HEADERS = "Content-Range, Dlkg-Truncated, Content-Length"
ALLOWED_METHODS = "GET, POST, HEAD, OPTIONS"  # what the front frames at all
# Browsers must take Content-Type as given: a query result or a dump that looks like HTML or
# script is never run as such (every response, from the front and from workers).
NOSNIFF = "X-Content-Type-Options: nosniff"
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def encode_response(response: Response, *, head_only: bool, close: bool) -> bytes:
    """The full HTTP/1.1 response bytes, with CORS and framing headers."""
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = "Status"
    lines = [
        f"HTTP/1.1 {response.status} {reason}",
        f"Content-Type: {response.content_type}",
        f"Content-Length: {len(response.body)}",
        "Access-Control-Allow-Origin: *",
        f"Access-Control-Expose-Headers: {EXPOSED_HEADERS}",
        NOSNIFF,
    ]
    lines += [f"{name}: {value}" for name, value in response.headers]
    if close:
        lines.append("Connection: close")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head if head_only else head + response.body


def preflight(*, close: bool) -> bytes:
    """The answer to a CORS preflight (OPTIONS), for any path."""
    lines = [
        "HTTP/1.1 204 No Content",
        "Access-Control-Allow-Origin: *",
        f"Access-Control-Allow-Methods: {ALLOWED_METHODS}",
        "Access-Control-Allow-Headers: Accept, Content-Type, Range",
        "Access-Control-Max-Age: 86400",
        f"Allow: {ALLOWED_METHODS}",
        "Content-Length: 0",
        NOSNIFF,
    ]
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def parse_head(head: bytes, body: bytes) -> Request:
    """A Request from raw HTTP head bytes (request line + headers) and the body."""
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        key = name.strip().lower()
        if key:
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    path, _, query = target.partition("?")
    return Request(method, unquote(path), parse_query_string(query), headers, body)


def parse_query_string(query: str) -> dict[str, list[str]]:
    """`parse_qs(query, keep_blank_values=True)`, percent-decoding in C where it can.

    A query string holds a few hundred escapes, and urllib decodes them in a Python loop per
    escape: a measurable share of a lookup. Quoted-printable decoding does the same in C once
    every '%' is spelled '='; text where that could differ takes urllib's path.

    >>> parse_query_string("query=ASK%7B%7D&format=&x=a+b")
    {'query': ['ASK{}'], 'format': [''], 'x': ['a b']}
    """
    params: dict[str, list[str]] = {}
    for pair in query.split("&"):
        if pair:
            name, _, value = pair.partition("=")
            params.setdefault(_unquote_plus(name), []).append(_unquote_plus(value))
    return params


def _unquote_plus(text: str) -> str:
    text = text.replace("+", " ")
    if "%" not in text:
        return text
    if "=" in text or not text.isascii() or _BAD_ESCAPE.search(text):
        return unquote(text)
    return binascii.a2b_qp(text.replace("%", "=").encode("ascii")).decode("utf-8", "replace")
