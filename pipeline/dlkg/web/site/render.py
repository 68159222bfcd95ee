"""HTML helpers shared by the page handlers: terms, links, content negotiation, templates.

Everything that reaches HTML goes through Jinja2 with autoescape on; the embedded JSON-LD goes
through Jinja's `tojson` (it escapes `<`, `>`, `&` and `'`, so no `</script>` break-out).
Links to dataset IRIs are local paths (plus the proxy's `X-Forwarded-Prefix`), so one build
serves correctly from 127.0.0.1 and from a public host.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, select_autoescape

from ... import formats
from ...common import upstream_line_url
from ...namespaces import DCTERMS, DLKG, PREFIXES, SCHEMA, SKOS
from ..http import Context, Request, Response, error_response, with_vary
from . import i18n, i18n_errors

_PREFIX_OK = re.compile(r"^(/[A-Za-z0-9._~-]+)*$")
_SAFE_URL = re.compile(r"^(https?|ftp)://", re.IGNORECASE)
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def split_extension(path: str) -> tuple[str, formats.Format | None]:
    """('/paper/x', TURTLE) for '/paper/x.ttl'; (path, None) without a page format's extension."""
    fmt = formats.by_extension(path.rsplit("/", 1)[-1], formats.PAGE_FORMATS)
    if fmt is None or len(path) <= len(fmt.extension) + 2:
        return path, None
    return path[: -len(fmt.extension) - 1], fmt


def page_format(request: Request) -> tuple[bool, formats.Format | None]:
    """(known, format) of a request to a route `/x` or `/x.{ext}`: by extension, else Accept.

    `known` is False for an extension that names no page format; the format is None when the
    Accept header accepts none of them (the caller answers 406).
    """
    ext = request.params.get("ext")
    if ext is not None:
        fmt = formats.by_extension("x." + ext, formats.PAGE_FORMATS)
        return fmt is not None, fmt
    return True, formats.negotiate(request.headers.get("accept"), formats.PAGE_FORMATS)


def link_prefix(request: Request) -> str:
    """The path prefix a reverse proxy mounts us under (`X-Forwarded-Prefix: /dlkg`).

    Only a plain path of safe characters is honoured; anything else is ignored.
    """
    prefix = request.headers.get("x-forwarded-prefix", "").strip().rstrip("/")
    return prefix if _PREFIX_OK.match(prefix) else ""


def iri_for_request_path(ctx: Context, path: str) -> str:
    """The dataset IRI of a (percent-decoded) request path, encoded as `iris.py` mints it."""
    return ctx.base_iri + quote(path.lstrip("/"), safe="/-._~")


def sparql_iri(iri: str) -> str:
    """`<iri>` for a SPARQL query; refuses characters that could end the IRI early."""
    if _IRI_FORBIDDEN.search(iri):
        raise ValueError(f"not a safe IRI: {iri!r}")
    return f"<{iri}>"


def curie(iri: str) -> str:
    """`schema:name` for http://schema.org/name; the IRI itself when no prefix fits."""
    best = ""
    name = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best):
            best, name = ns, prefix
    local = iri[len(best) :]
    if best and re.fullmatch(r"[A-Za-z_][\w.-]*", local or "_"):
        return f"{name}:{local}"
    return iri


@dataclass(frozen=True)
class Term:
    """One RDF term of a SPARQL JSON result, ready for a template."""

    kind: str  # "uri", "literal", "bnode"
    value: str
    lang: str = ""
    datatype: str = ""
    label: str = ""  # a human label of an IRI, when the query found one
    href: str | None = None  # where a link to this term goes (local path or safe URL)

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"

    @property
    def text(self) -> str:
        return self.label or (curie(self.value) if self.is_iri else self.value)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Linker:
    """Turns IRIs into hrefs: dataset IRIs become local paths under the proxy prefix."""

    ctx: Context
    prefix: str = ""

    def local(self, path: str) -> str:
        return self.prefix + path

    def href(self, iri: str) -> str | None:
        path = self.ctx.path_for_iri(iri)
        if path is not None:
            return self.prefix + path
        # javascript:, data: and friends never become links
        return iri if _SAFE_URL.match(iri) else None

    def term(self, binding: Mapping[str, str] | None, label: str = "") -> Term | None:
        """A Term from one SPARQL JSON binding (`{"type": ..., "value": ...}`)."""
        if not binding:
            return None
        kind = binding.get("type", "literal")
        kind = "literal" if kind == "typed-literal" else kind
        value = binding.get("value", "")
        return Term(
            kind=kind,
            value=value,
            lang=binding.get("xml:lang", ""),
            datatype=binding.get("datatype", ""),
            label=label,
            href=self.href(value) if kind == "uri" else None,
        )


def linker_for(request: Request, ctx: Context) -> Linker:
    return Linker(ctx, link_prefix(request))


Row = dict[str, dict[str, str]]


def rows(result: Mapping[str, object]) -> list[Row]:
    """The bindings of a SPARQL JSON SELECT result (an empty list for anything else)."""
    results = result.get("results")
    if not isinstance(results, dict):
        return []
    bindings = results.get("bindings")
    return [b for b in bindings if isinstance(b, dict)] if isinstance(bindings, list) else []


def value(row: Row, name: str) -> str:
    """The lexical value of `name` in a result row, '' when unbound."""
    binding = row.get(name)
    return binding.get("value", "") if binding else ""


@functools.cache
def environment() -> Environment:
    """The Jinja2 environment of the page templates (autoescape on for every template)."""
    env = Environment(
        loader=PackageLoader("dlkg.web.site", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["curie"] = curie
    # `{{ download_url | upstream_line(line) }}`: a source line at its pinned upstream commit
    env.filters["upstream_line"] = upstream_line_url
    # templates name terms through the namespaces, never as IRI strings
    env.globals.update(schema=SCHEMA, dlkg=DLKG, skos=SKOS, dcterms=DCTERMS)
    return env


def language_links(request: Request, prefix: str, current: str) -> list[dict[str, object]]:
    """The language switch: this page (path and query kept) with `?lang=` set, per language."""
    path = prefix + quote(request.path, safe="/-._~")
    links = []
    for lang in i18n.LANGUAGES:
        params = [(k, v) for k, vs in request.query.items() if k != "lang" for v in vs]
        query = urlencode([*params, ("lang", "zh" if lang == i18n.ZH else "en")])
        links.append(
            {"lang": lang, "name": i18n.SWITCH_NAMES[lang], "href": f"{path}?{query}",
             "current": lang == current}
        )  # fmt: skip
    return links


def render_html(
    template: str, request: Request, ctx: Context, values: Mapping[str, object], status: int = 200
) -> Response:
    """Render `template` with the common page values (links, base IRI, language) into a response.

    The language (i18n.choose_language) varies with Accept-Language and the cookie; a `?lang=`
    also sets the cookie (under the proxy prefix), so the next pages keep the choice.
    """
    linker = linker_for(request, ctx)
    lang, asked = i18n.choose_language(request)
    t = i18n.translator(lang)
    if values.get("title_key"):  # a page whose title is interface text, not data
        values = {**values, "title": t(str(values["title_key"]))}
    body = (
        environment()
        .get_template(template)
        .render(
            link=linker,
            base_iri=ctx.base_iri,
            prefix=linker.prefix,
            lang=lang,
            t=t,
            languages=language_links(request, linker.prefix, lang),
            **values,
        )
    )
    headers = with_vary((), "Accept", "Accept-Language", "Cookie")
    if asked:
        path = linker.prefix or "/"
        cookie = f"{i18n.COOKIE}={lang}; Path={path}; Max-Age=31536000; SameSite=Lax"
        headers = (*headers, ("Set-Cookie", cookie))
    return Response(status, formats.HTML.content_type, body.encode("utf-8"), headers)


def error_page(request: Request, ctx: Context, status: int, message: str) -> Response:
    """An error as an HTML page for browsers, as one line of plain text for everyone else."""

    def page(code: int, line: str) -> bytes:
        status_keys = {k for k in i18n.MESSAGES if k.startswith("status.")}
        lang, _ = i18n.choose_language(request)
        values = {
            "title": str(code),
            "status_code": code,
            # the line machine clients get in English, in the page's language
            "message": i18n_errors.localize(line, lang),
            "status_keys": status_keys,
        }
        return render_html("error.html", request, ctx, values, status=code).body

    response = error_response(status, message, accept=request.headers.get("accept"), page=page)
    if response.content_type != formats.HTML.content_type:
        return response
    # the page speaks the reader's language, as every page does
    return replace(response, headers=with_vary(response.headers, "Accept-Language", "Cookie"))


def not_acceptable(offered: Sequence[formats.Format]) -> Response:
    """406: none of the resource's formats is acceptable (the Accept header decided it)."""
    types = ", ".join(f.media_type for f in offered)
    message = f"not acceptable; this resource has: {types}"
    return error_response(406, message, headers=(("Vary", "Accept"),))
