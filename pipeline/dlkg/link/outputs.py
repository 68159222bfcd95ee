"""`dlkg link` end to end, and what `dlkg build` takes from its outputs.

`dlkg link` writes four files into BUILD_DIR/links/ (each atomically; the previous set stays
until the run has finished): links.nt (graph/links), dlkg.sssom.tsv, link-report.json and
link-report.csv. `dlkg build` loads links.nt into the named graph `graph/links` (validated
with everything else) and publishes the other three among the downloads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph

from ..iris import IriMinter
from ..settings import Settings
from .config import SERVICES, LinkConfig
from .graph import links_graph
from .http import Answer
from .mappings import build_mappings
from .model import paper_queries
from .report import report_json, to_csv, to_json
from .run import LinkResult, run_link
from .sssom import to_sssom

LINKS_GRAPH = "links"
LINKS_DIR = "links"
GRAPH_FILE = "links.nt"
SSSOM_FILE = "dlkg.sssom.tsv"
REPORT_JSON = "link-report.json"
REPORT_CSV = "link-report.csv"
DOWNLOADS = {
    SSSOM_FILE: "text/tab-separated-values; charset=utf-8",
    REPORT_JSON: "application/json",
    REPORT_CSV: "text/csv; charset=utf-8",
}


@dataclass(frozen=True)
class LinkSummary:
    result: LinkResult
    mappings: int
    findings: int
    links_dir: Path


def links_dir(settings: Settings) -> Path:
    return settings.build_dir / LINKS_DIR


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
    from ..fetch import write_atomic
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


def add_links_graph(ds: Dataset, minter: IriMinter, settings: Settings) -> int:
    """Load BUILD_DIR/links/links.nt into graph/links; the number of triples (0: none)."""
    path = links_dir(settings) / GRAPH_FILE
    if not path.is_file():
        return 0
    parsed = Graph().parse(path, format="nt")
    target = ds.graph(minter.graph(LINKS_GRAPH))
    for triple in parsed:
        target.add(triple)
    return len(parsed)


def download_files(settings: Settings) -> list[tuple[str, str, bytes]]:
    """(file name, media type, bytes) of the link outputs to publish among the downloads."""
    folder = links_dir(settings)
    if not (folder / GRAPH_FILE).is_file():
        return []
    return [
        (name, media, (folder / name).read_bytes())
        for name, media in DOWNLOADS.items()
        if (folder / name).is_file()
    ]


__all__ = ["LINKS_GRAPH", "LinkSummary", "add_links_graph", "download_files", "link"]
