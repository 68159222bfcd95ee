"""The dumps (/downloads) and the VoID description (/void).

A dump is served only when its name is a plain file name listed in `build_dir/dumps` and its
real path (symlinks resolved) stays inside that folder: traversal attempts get 404 or 400.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ... import formats
from ...common import PREFIX_BLOCK, sha256_file
from ...errors import QueryError
from ..http import Context, Request, Response
from .compress import etag_matches
from .render import (
    error_page,
    linker_for,
    not_acceptable,
    page_format,
    render_html,
    rows,
    sparql_iri,
)

CHECKSUMS_FILE = "SHA256SUMS"
# Files next to the RDF dumps (whose types come from dlkg.formats).
_OTHER_TYPES = {
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".rq": "application/sparql-query",
    ".txt": "text/plain; charset=utf-8",
    ".gz": "application/gzip",
    ".bz2": "application/x-bzip2",
    ".zip": "application/zip",
}
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,200}$")


@dataclass(frozen=True)
class DumpFile:
    name: str
    size: int
    sha256: str
    media_type: str


def media_type_of(name: str) -> str:
    """The media type of a dump by its extension(s); `.ttl.gz` is gzip of Turtle."""
    if name == CHECKSUMS_FILE:
        return _OTHER_TYPES[".txt"]
    fmt = formats.by_extension(name, formats.DUMP_FORMATS)
    if fmt is not None:
        return fmt.content_type
    return _OTHER_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


def read_checksums(dumps: Path) -> dict[str, str]:
    """File name -> sha256 from `dumps/SHA256SUMS` (lines `<sha256>  <file name>`)."""
    sums: dict[str, str] = {}
    try:
        text = (dumps / CHECKSUMS_FILE).read_text(encoding="utf-8")
    except OSError:
        return sums
    for line in text.splitlines():
        digest, _, name = line.partition("  ")
        name = name.lstrip("*")  # binary-mode marker of sha256sum
        if re.fullmatch(r"[0-9a-f]{64}", digest) and name:
            sums[name] = digest
    return sums


def _inside(dumps: Path, name: str) -> Path | None:
    """The file `name` of the dumps folder, or None when it is not a plain file inside it."""
    if not _FILE_NAME.match(name) or ".." in name:
        return None
    try:
        root = dumps.resolve(strict=True)
        real = (dumps / name).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return real if real.parent == root and real.is_file() else None


def list_dumps(dumps: Path) -> list[DumpFile]:
    """Every file of the dumps folder with its size and sha256 (SHA256SUMS, else computed)."""
    sums = read_checksums(dumps)
    found = []
    try:
        names = sorted(p.name for p in dumps.iterdir())
    except OSError:
        return []
    for name in names:
        path = _inside(dumps, name)
        if path is None:
            continue
        digest = sums.get(name) or sha256_file(path)
        found.append(DumpFile(name, path.stat().st_size, digest, media_type_of(name)))
    return found


CHANGES_FILE = "changes.json"  # written by the build: what changed since the previous one
CHANGES_SHOWN = 100


def read_changes(build_dir: Path) -> dict[str, Any] | None:
    """The build's `changes.json` as the page shows it (None when absent or unreadable):
    counts per kind, and the first changed, added and removed entities."""
    try:
        data = json.loads((build_dir / CHANGES_FILE).read_text(encoding="utf-8"))
        lines = [
            (sign, kind, e["iri"], "")
            for sign, key in (("+", "added"), ("-", "removed"))
            for kind in data["summary"]
            for e in data[key][kind]
        ]
        for kind in data["summary"]:
            for iri, facts in data["changed"][kind].items():
                told = "; ".join(f"{f}: {v['old']} → {v['new']}" for f, v in facts.items())
                lines.append(("~", kind, iri, told))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return {
        "summary": data["summary"],
        "lines": lines[:CHANGES_SHOWN],
        "more": len(lines) > CHANGES_SHOWN,
    }


def listing_handler(request: Request, ctx: Context) -> Response:
    """`/downloads`: every dump with its size and sha256, and what changed since the
    previous build."""
    files = list_dumps(ctx.build_dir / "dumps")
    changes = read_changes(ctx.build_dir)
    if changes:  # dataset IRIs link to this server's pages
        linker = linker_for(request, ctx)
        changes["lines"] = [(s, k, iri, linker.href(iri), t) for s, k, iri, t in changes["lines"]]
    extra = {"title_key": "downloads.title", "files": files, "changes": changes}
    return render_html("downloads.html", request, ctx, extra)


def download_handler(request: Request, ctx: Context) -> Response:
    """`/downloads/<file>`: one dump, ETag = its sha256."""
    dumps = ctx.build_dir / "dumps"
    name = request.params["name"]
    if "\x00" in name:
        return error_page(request, ctx, 400, "bad file name")
    path = _inside(dumps, name)
    if path is None:
        return error_page(request, ctx, 404, "no such download")
    digest = read_checksums(dumps).get(name) or sha256_file(path)
    etag = f'"{digest}"'
    headers = (("ETag", etag), ("Cache-Control", "public, max-age=3600"))
    if etag_matches(request, etag):
        return Response(304, media_type_of(name), b"", headers=headers)
    return Response(200, media_type_of(name), path.read_bytes(), headers=headers)


def void_handler(request: Request, ctx: Context) -> Response:
    """`/void`: the meta graph (VoID + DCAT + sources) as Turtle, N-Triples, JSON-LD or HTML."""
    known, fmt = page_format(request)
    if not known:
        return error_page(request, ctx, 404, f"no such format: {request.path}")
    if fmt is None:
        return not_acceptable(formats.PAGE_FORMATS)
    meta = sparql_iri(ctx.iri_for_path("graph/meta"))
    try:
        if fmt is not formats.HTML:
            construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {meta} {{ ?s ?p ?o }} }}"
            body = ctx.runner.graph(construct, fmt.media_type)
            return Response(200, fmt.content_type, body, headers=(("Vary", "Accept"),))
        select = (
            PREFIX_BLOCK
            + f"SELECT ?s ?p ?o WHERE {{ GRAPH {meta} {{ ?s ?p ?o }} }} ORDER BY ?s ?p ?o"
        )
        found = rows(ctx.runner.select(select))
    except QueryError as error:
        return error_page(request, ctx, 503, f"the store could not answer: {error}")
    linker = linker_for(request, ctx)
    subjects: dict[str, list[tuple[object, object]]] = {}
    for row in found:
        s, p, o = (linker.term(row.get(n)) for n in ("s", "p", "o"))
        if s and p and o:
            subjects.setdefault(s.value, []).append((p, o))
    groups = [(linker.term({"type": "uri", "value": s}), st) for s, st in subjects.items()]
    return render_html("void.html", request, ctx, {"title_key": "void.title", "groups": groups})
