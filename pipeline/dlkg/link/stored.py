"""What `dlkg build` takes from the outputs of `dlkg link` (BUILD_DIR/links/).

`dlkg build` loads links.nt into the named graph `graph/links` (validated with everything else)
and publishes the SSSOM table and the link report among the downloads. Kept apart from
outputs.py, which runs `dlkg link` and so needs the build's parse and resolve steps.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from ..iris import IriMinter
from ..quadsink import DatasetLike
from ..settings import Settings

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


def links_dir(settings: Settings) -> Path:
    return settings.build_dir / LINKS_DIR


def add_links_graph(ds: DatasetLike, minter: IriMinter, settings: Settings) -> int:
    """Load BUILD_DIR/links/links.nt into graph/links; the number of triples (0: none)."""
    path = links_dir(settings) / GRAPH_FILE
    if not path.is_file():
        return 0
    parsed = Graph().parse(path, format="nt")
    target = ds.graph(minter.graph(LINKS_GRAPH))
    for triple in parsed:
        target.add(triple)
    return len(parsed)


def download_files(settings: Settings) -> list[tuple[str, str, Path]]:
    """(file name, media type, file) of the link outputs to publish among the downloads (export
    copies them in chunks)."""
    folder = links_dir(settings)
    if not (folder / GRAPH_FILE).is_file():
        return []
    return [
        (name, media, folder / name)
        for name, media in DOWNLOADS.items()
        if (folder / name).is_file()
    ]
