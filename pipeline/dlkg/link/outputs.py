"""`dlkg link` end to end (what the build takes from its outputs: stored.py).

`dlkg link` writes four files into BUILD_DIR/links/ (each atomically; the previous set stays
until the run has finished): links.nt (graph/links), dlkg.sssom.tsv, link-report.json and
link-report.csv. `dlkg build` loads links.nt into the named graph `graph/links` (validated
with everything else) and publishes the other three among the downloads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..settings import Settings
from .config import SERVICES, LinkConfig
from .graph import links_graph
from .http import Answer
from .mappings import build_mappings
from .model import paper_queries
from .report import report_json, to_csv, to_json
from .run import LinkResult, run_link
from .sssom import to_sssom
from .stored import GRAPH_FILE, REPORT_CSV, REPORT_JSON, SSSOM_FILE, links_dir


@dataclass(frozen=True)
class LinkSummary:
    result: LinkResult
    mappings: int
    findings: int
    links_dir: Path


def cache_path(settings: Settings) -> Path:
    return settings.cache_dir / "link-responses.sqlite"


def link(
    settings: Settings,
    config: LinkConfig,
    *,
    offline: bool,
    services: tuple[str, ...] = SERVICES,
    on_answer: Callable[[Answer], None] | None = None,
) -> LinkSummary:
    from ..build import parse_and_resolve  # the sources, parsed and resolved as by a build
    from ..common import write_atomic
    from ..report import StepTimer

    resolution = parse_and_resolve(settings, StepTimer(), lambda _s: None).resolution
    queries = paper_queries(resolution)
    result = run_link(
        queries,
        config,
        cache_path(settings),
        offline=offline,
        services=services,
        on_answer=on_answer,
    )
    names = {key: person.name for key, person in resolution.persons.items()}
    mappings, conflicts = build_mappings(queries, result, names)
    findings = result.findings + conflicts
    graph = links_graph(mappings, result, settings.base_iri)
    nt = graph.serialize(format="nt", encoding="utf-8")
    sorted_nt = b"".join(sorted(set(nt.splitlines(keepends=True)) - {b"\n"}))
    dates = sorted(a.retrieved_at[:10] for m in mappings for a in m.answers)
    out = links_dir(settings)
    out.mkdir(parents=True, exist_ok=True)
    report = report_json(result, mappings, findings, offline=offline)
    write_atomic(
        out / SSSOM_FILE,
        to_sssom(mappings, settings.base_iri, dates[-1] if dates else None).encode(),
    )
    write_atomic(out / REPORT_JSON, to_json(report).encode("utf-8"))
    write_atomic(out / REPORT_CSV, to_csv(result).encode("utf-8"))
    write_atomic(out / GRAPH_FILE, sorted_nt)  # last: its presence means the set is complete
    return LinkSummary(result, len(mappings), len(findings), out)


__all__ = ["LinkSummary", "link"]
