"""The declarative route table: (methods, path pattern, handler), matched in order.

A pattern is a path whose `{name}` parts match one segment (or the rest of a segment, as in
`/void.{ext}`) and whose `{name:path}` part matches the rest of the path. A request goes to
the first route whose pattern and method match (HEAD wherever GET is allowed); a path no
route matches is 404; a path some route matches, with another method, is 405 with `Allow`.
Handlers only see their own requests, with the pattern's values in `request.params`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ..http import Context, Handler, Request, Response, error_response

_METHOD_ORDER = ("GET", "POST", "HEAD", "OPTIONS")
_PART = re.compile(r"\{(\w+)(:path)?\}")


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The regular expression of a route pattern.

    >>> compile_pattern("/downloads/{name:path}").fullmatch("/downloads/a/b")["name"]
    'a/b'
    >>> compile_pattern("/void.{ext}").fullmatch("/void.ttl")["ext"]
    'ttl'
    """
    out, at = [], 0
    for match in _PART.finditer(pattern):
        out.append(re.escape(pattern[at : match.start()]))
        out.append(f"(?P<{match[1]}>.+)" if match[2] else f"(?P<{match[1]}>[^/]+)")
        at = match.end()
    out.append(re.escape(pattern[at:]))
    return re.compile("".join(out))


@dataclass(frozen=True)
class Route:
    methods: tuple[str, ...]  # GET implies HEAD
    pattern: str
    handler: Handler
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", compile_pattern(self.pattern))

    def allows(self, method: str) -> bool:
        return method in self.methods or (method == "HEAD" and "GET" in self.methods)


def dispatch(routes: Sequence[Route], request: Request, ctx: Context) -> Response:
    """The response of the first route for the request's path and method; else 404 or 405."""
    allowed: set[str] = set()
    for route in routes:
        match = route.regex.fullmatch(request.path)
        if match is None:
            continue
        if route.allows(request.method):
            params = match.groupdict()
            return route.handler(replace(request, params=params) if params else request, ctx)
        allowed.update(route.methods)
    if not allowed:
        return error_response(404, f"nothing here: {request.path}")
    if "GET" in allowed:
        allowed.add("HEAD")
    allow = ", ".join(m for m in _METHOD_ORDER if m in allowed | {"OPTIONS"})
    message = f"method {request.method} is not allowed on {request.path}; use {allow}"
    return error_response(405, message, headers=(("Allow", allow),))
