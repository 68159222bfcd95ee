"""The link report: every checked hit, the findings and the failed requests (JSON and CSV).

Accepted hits are in the graph and the SSSOM table; the report exists for the others:
rejected hits (the title disagrees: another work), ambiguous ones (title agrees, year or
authors do not), the data-quality findings (a service disagrees with the lists' facts, which
are never changed), person-id conflicts and requests that failed.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import Any

from .mappings import Mapping
from .run import Finding, LinkResult

CSV_COLUMNS = (
    "paper",
    "service",
    "status",
    "confidence",
    "agreed",
    "found_by",
    "target",
    "hit_title",
    "hit_year",
    "note",
    "request",
)


def decision_rows(result: LinkResult) -> list[dict[str, Any]]:
    rows = []
    for d in result.decisions:
        hit, v = d.hit, d.verdict
        rows.append(
            {
                "paper": hit.paper_key,
                "service": hit.service,
                "status": v.status,
                "confidence": v.confidence,
                "agreed": "|".join(v.agreed),
                "found_by": hit.found_by,
                "target": hit.target,
                "hit_title": hit.title or "",
                "hit_year": hit.year if hit.year is not None else "",
                "note": v.note,
                "request": hit.answer.url,
            }
        )
    return sorted(rows, key=lambda r: (r["paper"], r["service"], r["target"]))


def report_json(
    result: LinkResult, mappings: list[Mapping], findings: list[Finding], *, offline: bool
) -> dict[str, Any]:
    rows = decision_rows(result)
    statuses: dict[str, int] = {}
    for row in rows:
        statuses[row["status"]] = statuses.get(row["status"], 0) + 1
    return {
        "offline": offline,
        "requests": {
            service: dict(sorted(c.items())) for service, c in sorted(result.counts.items())
        },
        "hits": statuses,
        "mappings": len(mappings),
        "not_accepted": [r for r in rows if r["status"] != "accepted"],
        "findings": [
            asdict(f) for f in sorted(findings, key=lambda f: (f.paper_key, f.service, f.field))
        ],
        "failures": [
            {"service": a.service, "request": a.url, "error": a.error} for a in result.failures
        ],
    }


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def to_csv(result: LinkResult) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(decision_rows(result))
    return out.getvalue()


__all__ = ["CSV_COLUMNS", "decision_rows", "report_json", "to_csv", "to_json"]
