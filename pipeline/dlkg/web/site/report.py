"""`/report`: the build's data-quality report as a page people can read (issues 9 and 12).

What it shows comes from three places, each read the way the rest of the site reads it:
`build_dir/report.json` (the build's issues, as `dlkg build` wrote them), the meta graph
through the QueryRunner (each source's upstream repository, pinned commit and download URL, as
the manifest said when the build ran: so a line links to the exact file that was parsed) and
the link report among the downloads (`dlkg.link.web.load_link_report`). Warnings are grouped
by category when the catalogue or the report names one, else by code, with the catalogue's
meaning and what to do (in Chinese on a Chinese page: `meaning_zh`, `action_zh`, with the
build's own English line kept beside); and counted per source.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from ...catalogue import CATEGORIES, IssueKind, catalogue
from ...common import PREFIX_BLOCK, upstream_line_url
from ...errors import QueryError
from ...link.web import load_link_report
from ..http import Context, Request, Response
from .render import error_page, linker_for, render_html, rows, sparql_iri, value

REPORT_FILE = "report.json"
_Q_SOURCES = """SELECT ?id ?name ?download WHERE { GRAPH $META {
  ?s dcterms:identifier ?id .
  OPTIONAL { ?s schema:name ?name } OPTIONAL { ?s dcat:downloadURL ?download }
} }"""


@dataclass(frozen=True)
class Upstream:
    """Where a source lives upstream; shipped sources (the Chinese documents) have none."""

    source_id: str
    file_name: str
    download_url: str  # the pinned raw URL of the manifest, "" for a shipped file

    def line_url(self, line: int | None) -> str | None:
        """The line on GitHub at the pinned commit; the file itself for no line."""
        found = upstream_line_url(self.download_url, line or 1)
        return found if found is None or line else found.rsplit("#", 1)[0]


def load_upstreams(ctx: Context) -> dict[str, Upstream]:
    """Every source of the served build's meta graph, by source id."""
    meta = sparql_iri(ctx.iri_for_path("graph/meta"))
    found = rows(ctx.runner.select(PREFIX_BLOCK + _Q_SOURCES.replace("$META", meta)))
    return {
        value(row, "id"): Upstream(value(row, "id"), value(row, "name"), value(row, "download"))
        for row in found
    }


@dataclass(frozen=True)
class ReportLine:
    code: str
    level: str
    message: str
    source_id: str
    line: int | None
    action: str  # what the pipeline did / what to do, as the build wrote it
    url: str | None  # the line upstream, at the pinned commit
    kind: IssueKind | None = None  # the catalogue entry: its meaning and action in Chinese


@dataclass
class Group:
    key: str  # the category, or the code for a report without categories
    kind: IssueKind | None  # the catalogue entry when the group is one code
    description: str = ""  # what the category holds (catalogue.CATEGORIES)
    warnings: list[ReportLine] = field(default_factory=list)
    by_source: Counter[str] = field(default_factory=Counter)


def _line(issue: dict[str, Any]) -> int | None:
    line = issue.get("line")
    if isinstance(line, int):
        return line
    where = str(issue.get("where") or "")  # reports before issue 9 wrote only "README.md:89"
    tail = where.rsplit(":", 1)[-1] if ":" in where else ""
    return int(tail) if tail.isdigit() else None


def group_issues(issues: list[dict[str, Any]], upstreams: dict[str, Upstream]) -> list[Group]:
    """The issues grouped by category (by code in reports without one), biggest group first."""
    kinds = catalogue()
    groups: dict[str, Group] = {}
    for issue in issues:
        code = str(issue.get("code") or "unknown")
        kind = kinds.get(code)
        key = str(issue.get("category") or code)
        group = groups.setdefault(
            key, Group(key, kind if key == code else None, CATEGORIES.get(key, ""))
        )
        sid, line = str(issue.get("source_id") or ""), _line(issue)
        upstream = upstreams.get(sid)
        given = str(issue.get("upstream") or "")
        # the build's link when it wrote one (and it is GitHub's), else from the meta graph
        url = given if given.startswith("https://github.com/") else None
        if url is None and upstream and line:
            url = upstream.line_url(line)
        action = str(issue.get("action") or (kind.action if kind else ""))
        group.warnings.append(
            ReportLine(code, str(issue.get("level") or "warning"), str(issue.get("message", "")),
                       sid, line, action, url, kind)
        )  # fmt: skip
        group.by_source[sid] += 1  # "" for no source: the page names it in the reader's language
    return sorted(groups.values(), key=lambda g: (-len(g.warnings), g.key))


def source_rows(
    report: dict[str, Any], groups: list[Group], upstreams: dict[str, Upstream]
) -> list[dict[str, object]]:
    """Per source: its file, its upstream page, and its warnings and errors."""
    levels: Counter[tuple[str, str]] = Counter(
        (w.source_id, w.level) for g in groups for w in g.warnings
    )
    # the build's own order of sources, then any other source the meta graph or an issue names;
    # issues without a source last
    ids = [str(s.get("id")) for s in report.get("sources", []) if isinstance(s, dict)]
    ids += sorted(set(upstreams) - set(ids))
    ids += sorted({sid for sid, _ in levels} - set(ids), key=lambda sid: (sid == "", sid))
    return [
        {
            "id": sid,
            "file": upstreams[sid].file_name if sid in upstreams else "",
            "url": upstreams[sid].line_url(None) if sid in upstreams else None,
            "warnings": levels[(sid, "warning")],
            "errors": levels[(sid, "error")],
        }
        for sid in ids
    ]


def load_build_report(ctx: Context) -> dict[str, Any] | None:
    try:
        data = json.loads((ctx.build_dir / REPORT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def report_handler(request: Request, ctx: Context) -> Response:
    """`GET /report`: warnings by category and source, linked upstream; the link report."""
    report = load_build_report(ctx)
    try:
        upstreams = load_upstreams(ctx)
    except QueryError as error:
        return error_page(request, ctx, 503, f"the store could not answer: {error}")
    issues = [i for i in (report or {}).get("issues", []) if isinstance(i, dict)]
    groups = group_issues(issues, upstreams)
    link_report = load_link_report(ctx.build_dir / "dumps")
    linker = linker_for(request, ctx)
    return render_html(
        "report.html",
        request,
        ctx,
        {
            "title_key": "report.title",
            "report": report,
            "report_file": REPORT_FILE,
            # the same report as data, among the downloads
            "data_files": [REPORT_FILE, "report.csv"]
            + (["link-report.json"] if link_report is not None else []),
            "groups": groups,
            "sources": source_rows(report or {}, groups, upstreams),
            "totals": Counter(w.level for g in groups for w in g.warnings),
            "shacl": [str(s) for s in (report or {}).get("shacl_warnings", [])],
            "link_report": link_report,
            "paper_href": lambda key: linker.local("/paper/" + quote(str(key), safe="/-._~")),
        },
    )
