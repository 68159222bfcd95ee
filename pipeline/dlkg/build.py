"""`dlkg build`: fetch → parse → resolve → emit → validate → load → export, atomically.

Everything is built into a fresh `runs/<id>/` folder; only when every step has succeeded is the
`current` symlink re-pointed at it (an atomic rename), so a failed build leaves the previous
store, dumps and report exactly as they were. The records and the resolution are dropped once
emit is done, and validation runs in a child process while the store loads (build_validate.py).
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Dataset

from . import fingerprint
from .build_validate import release_free_memory, validate_beside_load
from .checks import cross_source, single_source
from .common import load_turtle_dir
from .describe import describe, describe_build
from .emit import BUILD_GRAPH, ONTOLOGY_GRAPH, emit, graph_counts
from .errors import DlkgError, SourceError
from .export import add_downloads, export_dumps, report_downloads
from .fetch import FetchedSource, fetch_all, load_manifest
from .gcpause import collector_paused
from .iris import IriMinter
from .link.offline import identifier_issues
from .link.stored import add_links_graph, download_files
from .model import Resolution
from .namespaces import SCHEMA
from .parse import dropped_entries, parse_text
from .pins import prune_runs
from .quadsink import QuadSink
from .records import Level, ParseResult
from .report import BuildReport, SourceSummary, StepTimer
from .resources import ontology_dir
from .settings import Settings
from .store import add_nquads, open_read_only

OnStep = Callable[[str], None]

STEPS = ("fetch", "parse", "resolve", "emit", "validate", "load", "export")


@dataclass
class Parsed:
    """The pipeline up to resolution: what `build` and `explain` share."""

    sources: list[FetchedSource]
    results: list[ParseResult]
    resolution: Resolution


def _check_complete(source: FetchedSource, result: ParseResult) -> None:
    found = len(result.entries) + len(result.bib_entries)
    if found < source.spec.min_entries:
        last_line = source.text.count("\n") + 1
        raise SourceError(
            f"only {found} entries parsed, expected at least {source.spec.min_entries}: "
            "the file looks truncated",
            path=source.spec.file_name,
            line=last_line,
        )


def parse_and_resolve(settings: Settings, timer: StepTimer, on_step: OnStep) -> Parsed:
    """Fetch, parse and resolve every source."""
    from .resolve import resolve  # the heaviest import; only needed from here on

    with timer.step("fetch"):
        specs = load_manifest(settings.sources_manifest)
        sources = fetch_all(
            specs,
            cache_dir=settings.cache_dir,
            mirror_dir=settings.mirror_dir,
            offline=settings.offline,
        )
    on_step("fetch")
    with timer.step("parse"):
        results = []
        for source in sources:
            spec = source.spec
            result = parse_text(spec.kind, source.text, source_id=spec.id, path=spec.file_name)
            _check_complete(source, result)
            result.issues.extend(single_source(spec.kind, source.text, result, spec.file_name))
            results.append(result)
    on_step("parse")
    with timer.step("resolve"), collector_paused():
        resolution = resolve(results, curation_dir=settings.curation_dir)
        # after resolution, without changing its decisions: defects across sources, and the
        # papers' canonical URLs (the records keep theirs as written)
        resolution.issues.extend(cross_source(results, resolution))
    on_step("resolve")
    return Parsed(sources, results, resolution)


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


def _emit(
    settings: Settings, parsed: Parsed, minter: IriMinter, report: BuildReport, nquads: Path
) -> tuple[dict[str, str], dict[str, int], dict[str, int]]:
    """Stream the quads into `nquads` (issue 13: no rdflib dataset, no serialised copy in
    memory); return the emitter's line index, the class counts and the triples per graph.

    Everything emit made besides these (the sink's hashes, the emitter) is gone when this
    returns, so that the caller can drop the records and the resolution too."""
    skip = _skip(minter)
    sink = QuadSink(nquads)
    try:
        emitted = emit(
            parsed.resolution,
            parsed.sources,
            minter=minter,
            ontology=load_turtle_dir(ontology_dir()),
            sink=sink,
        )
        # issue 12: graph/links from the last `dlkg link`, if any, and identifier checks
        add_links_graph(sink, minter, settings)
        report.issues.extend(identifier_issues(parsed.resolution.papers.values()))
        class_counts = sink.class_counts(skip)
        describe(sink, minter=minter, sources=parsed.sources, class_counts=class_counts)
        return emitted.line_index, class_counts, graph_counts(sink)
    finally:
        sink.close()


# the name and title caches of normalize/ (one entry per distinct name written: unbounded)
# that only parse and resolve need; by name, so that a cache renamed there is skipped here
_RESOLVE_CACHES = {
    "dlkg.normalize.names": ("parse_person_name", "_given_tokens", "_name_words"),
    "dlkg.normalize.titles": ("fold",),
}


def _clear_resolve_caches() -> None:
    """Empty the caches that served resolve (x100: ~90k entries, PersonName objects)."""
    import importlib

    for module_name, names in _RESOLVE_CACHES.items():
        module = importlib.import_module(module_name)
        for name in names:
            clear = getattr(getattr(module, name, None), "cache_clear", None)
            if callable(clear):
                clear()


def _skip(minter: IriMinter) -> set[str]:
    """The graphs that are not data: not counted, not validated by pySHACL."""
    return {str(minter.graph(ONTOLOGY_GRAPH)), str(minter.graph(BUILD_GRAPH))}


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


def _summarise(report: BuildReport, parsed: Parsed) -> None:
    """The report's per-source summaries and the parse and resolution issues."""
    resolution = parsed.resolution
    for source, result in zip(parsed.sources, parsed.results, strict=True):
        report.issues.extend(result.issues)
        if source.spec.url:
            report.source_urls[source.spec.id] = source.spec.url
        report.sources.append(
            SourceSummary(
                id=source.spec.id,
                file_name=source.spec.file_name,
                sha256=source.sha256,
                origin=source.origin,
                candidate_lines=result.candidate_lines,
                dropped=len(dropped_entries(source.spec.kind, result)),
                entries=len(result.entries),
                bib_entries=len(result.bib_entries),
                sections=len(result.sections),
                warnings=sum(1 for i in result.issues if i.level is Level.WARNING),
            )
        )
    report.issues.extend(resolution.issues)
    report.merges = resolution.merges
    report.near_misses = resolution.near_misses


def build(settings: Settings, on_step: OnStep | None = None) -> BuildReport:
    """Run the whole pipeline and publish the result; raise a DlkgError on any failure."""
    notify = on_step or (lambda _step: None)
    timer = StepTimer()
    started = datetime.now(UTC).replace(microsecond=0)
    report = BuildReport(base_iri=settings.base_iri, started=started.isoformat())
    minter = IriMinter(settings.base_iri)
    made_from = fingerprint.fingerprint(settings)  # before reading: what this build is made of

    parsed = parse_and_resolve(settings, timer, notify)
    _summarise(report, parsed)
    # what the build graph needs of the sources, without their text (x1000: ~110 MB)
    sources = [replace(source, text="") for source in parsed.sources]
    run_dir = _new_run_dir(settings, started)
    try:
        nquads = run_dir / "emitted.nq"
        with timer.step("emit"):
            line_index, class_counts, graph_triples = _emit(
                settings, parsed, minter, report, nquads
            )
            # nothing after emit needs the records or the resolution (the report has taken
            # its issues, merges and near misses): x1000 held ~6.8 GB of them to the end
            del parsed
            _clear_resolve_caches()
            release_free_memory()
        notify("emit")
        validate_beside_load(
            settings,
            report,
            timer,
            notify,
            line_index=line_index,
            nquads=nquads,
            store_dir=run_dir / "store",
            skip=_skip(minter),
        )
        del line_index
        nquads.unlink()
        with timer.step("emit"):
            data, build_triples = _build_graph_nquads(minter, sources, started)
            graph_triples = dict(sorted({**graph_triples, **build_triples}.items()))
        with timer.step("load"):
            add_nquads(run_dir / "store", data)
        release_free_memory()
        with timer.step("export"):
            store = open_read_only(run_dir / "store")
            export_dumps(
                store,
                run_dir / "dumps",
                minter=minter,
                context_path=ontology_dir() / "context.jsonld",
                extra=download_files(settings),  # the SSSOM table and link report (issue 12)
            )
            del store
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
        (run_dir / "report.json").write_text(report.to_json(), encoding="utf-8")
        (run_dir / "report.csv").write_text(report.to_csv(), encoding="utf-8")
        _write_changes(settings, run_dir)  # before the downloads: it is one of them
        add_downloads(run_dir / "dumps", report_downloads(run_dir))
        fingerprint.write(run_dir, made_from)
        _publish(settings, run_dir)
    except BaseException:
        shutil.rmtree(run_dir, ignore_errors=True)
        raise
    return report


__all__ = ["STEPS", "Parsed", "build", "parse_and_resolve"]
