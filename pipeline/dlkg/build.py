"""`dlkg build`: fetch → parse → resolve → emit → validate → load → export, atomically.

Everything is built into a fresh `runs/<id>/` folder; only when every step has succeeded is the
`current` symlink re-pointed at it (an atomic rename), so a failed build leaves the previous
store, dumps and report exactly as they were. Fetch, parse, resolve and emit run in a child
process, which hands back only what the later steps need (its heap, fragmented by parse and
resolve, goes back to the system when it exits), and validation runs in a child process while
the store loads (build_validate.py).
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

from . import fingerprint
from .build_front import (
    LINE_INDEX_FILE,
    PARKED_FILE,
    OnStep,
    Parsed,
    front_apart,
    parse_and_resolve,
    skip_graphs,
)
from .build_validate import release_free_memory, validate_beside_load
from .describe import describe_build
from .emit import BUILD_GRAPH, graph_counts
from .errors import DlkgError
from .export import add_downloads, export_dumps, report_downloads
from .fetch import FetchedSource
from .iris import IriMinter
from .link.stored import download_files
from .load import StoreLoader
from .namespaces import SCHEMA
from .pins import prune_runs
from .report import BuildReport, StepTimer
from .report_files import ReportFiles
from .resources import ontology_dir
from .settings import Settings

_NQ = ox.RdfFormat.N_QUADS
STEPS = ("fetch", "parse", "resolve", "emit", "validate", "load", "export")


def _write_changes(settings: Settings, run_dir: Path) -> None:
    """`changes.json`: what changed since the build `current` points at (none before the first
    build). A previous build that cannot be read yields no file, never a failed build."""
    from .diff import changes

    previous = settings.current_dir
    if not previous.is_dir():
        return
    try:
        found = changes(previous.resolve(), run_dir)
    except DlkgError:
        return
    found["old"], found["new"] = previous.resolve().name, run_dir.name
    text = json.dumps(found, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    (run_dir / "changes.json").write_text(text, encoding="utf-8")


def _publish(settings: Settings, run_dir: Path) -> None:
    """Atomically point `current` at `run_dir`, then drop runs older than the previous one."""
    current = settings.current_dir
    previous = current.resolve() if current.is_symlink() else None
    tmp_link = settings.build_dir / f".current-{run_dir.name}"
    tmp_link.unlink(missing_ok=True)
    tmp_link.symlink_to(Path("runs") / run_dir.name)
    tmp_link.replace(current)
    keep = {run_dir.resolve(), *([previous] if previous else [])}
    prune_runs(settings.runs_dir, keep)  # runs a live `dlkg serve` pinned stay (pins.py)


def release_run(settings: Settings) -> None:
    """After a server unpinned its run: drop runs older than the previous one, as a build does."""
    current = settings.current_dir
    if not current.is_symlink():
        return
    keep = {current.resolve()}
    previous = _previous_run(settings, current.resolve())
    if previous is not None:
        keep.add(previous)
    prune_runs(settings.runs_dir, keep)


def _previous_run(settings: Settings, current: Path) -> Path | None:
    """The newest run older than `current` (run names start with their UTC start time)."""
    older = sorted(p for p in settings.runs_dir.iterdir() if p.name < current.name and p.is_dir())
    return older[-1].resolve() if older else None


def _new_run_dir(settings: Settings, started: datetime) -> Path:
    """A new, empty `runs/<start time>-<pid>[-n]` folder: never one an earlier build made."""
    settings.runs_dir.mkdir(parents=True, exist_ok=True)
    name = f"{started:%Y%m%dT%H%M%S}-{os.getpid()}"
    for attempt in itertools.count(1):
        run_dir = settings.runs_dir / (name if attempt == 1 else f"{name}-{attempt}")
        try:
            run_dir.mkdir()
        except FileExistsError:
            continue
        return run_dir
    raise AssertionError("unreachable")


def _build_graph_nquads(
    minter: IriMinter, sources: list[FetchedSource], started: datetime
) -> tuple[bytes, dict[str, int]]:
    """The build graph (the only triples that change with the clock; `ended`: now, when the
    data has been generated and validated) as N-Quads, and its triple count."""
    build_graph = Dataset()
    describe_build(
        build_graph,
        minter=minter,
        sources=sources,
        started=started,
        ended=datetime.now(UTC).replace(microsecond=0),
    )
    data = build_graph.serialize(format="nquads", encoding="utf-8")
    return data, graph_counts(build_graph)


def build(settings: Settings, on_step: OnStep | None = None) -> BuildReport:
    """Run the whole pipeline and publish the result; raise a DlkgError on any failure.

    The returned report counts every issue, merge and near miss; the rows are in report.json,
    and the report reads them back when asked (`all_issues()`, `warnings`, `errors`,
    `unpark()`) from the file they were parked in after resolve (BuildReport.park), whose
    name is deleted but which stays open until the report goes."""
    notify = on_step or (lambda _step: None)
    timer = StepTimer()
    started = datetime.now(UTC).replace(microsecond=0)
    report = BuildReport(base_iri=settings.base_iri, started=started.isoformat())
    minter = IriMinter(settings.base_iri)
    made_from = fingerprint.fingerprint(settings)  # before reading: what this build is made of

    run_dir = _new_run_dir(settings, started)
    nquads = run_dir / "emitted.nq"
    loader = StoreLoader(nquads, run_dir / "store")  # started beside the validator
    report_files: ReportFiles | None = None
    try:
        front = front_apart(settings, minter, report, timer, notify, nquads)
        report, sources = front.report, front.sources
        line_index, class_counts, graph_triples = front.emitted
        del front
        if report.parked is None:  # the front ran here: nothing reads them until the report
            report.park(run_dir / PARKED_FILE)
        validate_beside_load(
            settings,
            report,
            timer,
            notify,
            line_index=line_index,
            nquads=nquads,
            loader=loader,
            skip=skip_graphs(minter),
        )
        del line_index
        (run_dir / LINE_INDEX_FILE).unlink(missing_ok=True)
        with timer.step("emit"):
            data, build_triples = _build_graph_nquads(minter, sources, started)
            graph_triples = dict(sorted({**graph_triples, **build_triples}.items()))
        with timer.step("load"):
            loader.add(data)
        release_free_memory()
        # the report's rows are final now: written by a child while the export runs
        report_files = ReportFiles(report, run_dir)
        with timer.step("export"):
            # the build graph as the store writes it (its times in the store's form)
            build_nquads = run_dir / "build-graph.nq"
            build_graph = ox.NamedNode(str(minter.graph(BUILD_GRAPH)))
            build_nquads.write_bytes(
                ox.serialize(
                    loader.store.quads_for_pattern(None, None, None, build_graph), format=_NQ
                )
                or b""  # bytes, as no output is given
            )
            # the quads from the emitted file the store was loaded from, not from a scan of
            # the store (export_source: the scan's cost grows faster than the data)
            export_dumps(
                loader.store,
                run_dir / "dumps",
                minter=minter,
                context_path=ontology_dir() / "context.jsonld",
                extra=download_files(settings),  # the SSSOM table and link report (issue 12)
                nquads=[nquads, build_nquads],
                graphs=graph_triples,
            )
            loader.close(keep=True)
            nquads.unlink()
            build_nquads.unlink()
        notify("export")
        report.ended = datetime.now(UTC).replace(microsecond=0).isoformat()
        report.graph_triples = graph_triples
        report.counts = {
            "papers": class_counts.get(str(SCHEMA.ScholarlyArticle), 0),
            "persons": class_counts.get(str(SCHEMA.Person), 0),
            "lists": class_counts.get(str(SCHEMA.ItemList), 0),
            "list_items": class_counts.get(str(SCHEMA.ListItem), 0),
            "quads": sum(report.graph_triples.values()),
        }
        report.timings = dict(timer.seconds)
        # the rows were written beside the export; the report returned reads them back only
        # when asked (`dlkg build -v`): x1000, 1.8 s for its million issues
        report_files.finish()
        report.drop_parked()
        _write_changes(settings, run_dir)  # before the downloads: it is one of them
        add_downloads(
            run_dir / "dumps", report_downloads(run_dir), link=True, sha256=report_files.sha256
        )
        fingerprint.write(run_dir, made_from)
        _publish(settings, run_dir)
    except BaseException:
        if report_files is not None:
            report_files.cancel()
        loader.close()  # stops it (it may still be loading) and closes the store first
        shutil.rmtree(run_dir, ignore_errors=True)
        raise
    return report


__all__ = ["STEPS", "Parsed", "build", "parse_and_resolve"]
