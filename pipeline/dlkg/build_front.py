"""The build up to emit: fetch, parse, resolve and emit, in a child process where the
system forks (issue 13), handing back only what the later steps need (`build.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from .build_validate import release_free_memory
from .checks import cross_source, single_source
from .common import load_turtle_dir
from .describe import describe
from .emit import BUILD_GRAPH, ONTOLOGY_GRAPH, emit, graph_counts
from .errors import DlkgError, SourceError
from .fetch import FetchedSource, fetch_all, load_manifest
from .forked import Forked, can_fork, tell
from .gcpause import collector_paused
from .iris import IriMinter
from .link.offline import identifier_issues
from .link.stored import add_links_graph
from .model import Resolution
from .parse import dropped_entries, parse_text
from .quadsink import QuadSink
from .records import Level, ParseResult
from .report import BuildReport, SourceSummary, StepTimer
from .resources import ontology_dir
from .settings import Settings

OnStep = Callable[[str], None]
# emit's line index, handed from the front child to the validator (line_index.py)
LINE_INDEX_FILE = "line-index.sqlite"
# the report's issues, merges and near misses, parked by the front (BuildReport.park)
PARKED_FILE = "report-parked.pickle"
# the sources' characters from which two processes parse them (the real ones: 0.13 M; a
# fork and the pickled results cost more than they save below this)
PARALLEL_PARSE_CHARS = 4_000_000


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


def _parse_one(source: FetchedSource) -> ParseResult:
    spec = source.spec
    result = parse_text(spec.kind, source.text, source_id=spec.id, path=spec.file_name)
    _check_complete(source, result)
    result.issues.extend(single_source(spec.kind, source.text, result, spec.file_name))
    return result


def parse_all(sources: list[FetchedSource], *, scratch: Path) -> list[ParseResult]:
    """Parse and check every source, in their order. Big inputs (PARALLEL_PARSE_CHARS), where
    the system forks, are parsed by this process and a forked child, about half of the text
    each (the parsers are pure functions of the text; the child's results come back pickled
    through a file in `scratch`): parse ran on one core while the other was idle. The error
    raised is the first source's in order, as parsing one after the other gives."""
    text = sum(len(source.text) for source in sources)
    if text < PARALLEL_PARSE_CHARS or len(sources) < 2 or not can_fork():
        return [_parse_one(source) for source in sources]
    mine, theirs = _split_by_size(sources)

    def parse_theirs() -> list[ParseResult | DlkgError]:
        return [_parse_or_error(sources[i]) for i in theirs]

    scratch.mkdir(parents=True, exist_ok=True)
    child: Forked[list[ParseResult | DlkgError]] = Forked(parse_theirs, scratch=scratch)
    try:
        done = {i: _parse_or_error(sources[i]) for i in mine}
        done.update(zip(theirs, child.result(), strict=True))
    except BaseException:
        child.cancel()  # only if still running
        raise
    results = []
    for i in range(len(sources)):
        outcome = done[i]
        if isinstance(outcome, DlkgError):
            raise outcome
        results.append(outcome)
    return results


def _parse_or_error(source: FetchedSource) -> ParseResult | DlkgError:
    try:
        return _parse_one(source)
    except DlkgError as err:
        return err


def _split_by_size(sources: list[FetchedSource]) -> tuple[list[int], list[int]]:
    """The sources' indexes in two sets of about the same text size (largest first, each to
    the lighter set); this process keeps the set of the first source."""
    sets: tuple[list[int], list[int]] = ([], [])
    sizes = [0, 0]
    for i in sorted(range(len(sources)), key=lambda i: -len(sources[i].text)):
        lighter = 0 if sizes[0] <= sizes[1] else 1
        sets[lighter].append(i)
        sizes[lighter] += len(sources[i].text)
    return (sets[0], sets[1]) if 0 in sets[0] else (sets[1], sets[0])


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
        results = parse_all(sources, scratch=settings.build_dir)
    on_step("parse")
    with timer.step("resolve"), collector_paused():
        resolution = resolve(results, curation_dir=settings.curation_dir)
        # after resolution, without changing its decisions: defects across sources, and the
        # papers' canonical URLs (the records keep theirs as written)
        resolution.issues.extend(cross_source(results, resolution))
    on_step("resolve")
    return Parsed(sources, results, resolution)


def _emit(
    settings: Settings, parsed: Parsed, minter: IriMinter, report: BuildReport, nquads: Path
) -> tuple[Mapping[str, str], dict[str, int], dict[str, int]]:
    """Stream the quads into `nquads` (issue 13: no rdflib dataset, no serialised copy in
    memory) and the line index into LINE_INDEX_FILE beside it (line_index.py: a file that
    travels to the validator by its path, never a dict of every node); return the line
    index, the class counts and the triples per graph.

    Everything emit made besides these (the sink's hashes, the emitter) is gone when this
    returns, so that the caller can drop the records and the resolution too."""
    skip = skip_graphs(minter)
    sink = QuadSink(nquads)
    try:
        emitted = emit(
            parsed.resolution,
            parsed.sources,
            minter=minter,
            ontology=load_turtle_dir(ontology_dir()),
            sink=sink,
            line_index_path=nquads.parent / LINE_INDEX_FILE,
        )
        # issue 12: graph/links from the last `dlkg link`, if any, and identifier checks
        add_links_graph(sink, minter, settings)
        report.add_issues(identifier_issues(parsed.resolution.papers.values()))
        class_counts = sink.class_counts(skip)
        describe(sink, minter=minter, sources=parsed.sources, class_counts=class_counts)
        return emitted.line_index, class_counts, graph_counts(sink)
    finally:
        sink.close()


# the name and title caches of normalize/ (one entry per distinct name written: unbounded)
# that only parse and resolve need; by name, so that a cache renamed there is skipped here
_RESOLVE_CACHES = {
    "dlkg.normalize.names": ("parse_person_name", "_given_tokens", "_name_words"),
    "dlkg.normalize.titles": ("_fold_unicode",),
    "dlkg.resolve.names": ("written_key",),
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


def skip_graphs(minter: IriMinter) -> set[str]:
    """The graphs that are not data: not counted, not validated by pySHACL."""
    return {str(minter.graph(ONTOLOGY_GRAPH)), str(minter.graph(BUILD_GRAPH))}


def _summarise(report: BuildReport, parsed: Parsed) -> None:
    """The report's per-source summaries and the parse and resolution issues."""
    resolution = parsed.resolution
    for source, result in zip(parsed.sources, parsed.results, strict=True):
        report.add_issues(result.issues)
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
    report.add_issues(resolution.issues)
    report.merges = resolution.merges
    report.near_misses = resolution.near_misses


@dataclass
class _Front:
    """What the steps after emit need of fetch, parse, resolve and emit: the report so far,
    the sources without their text, and emit's line index, class counts and graph sizes."""

    report: BuildReport
    sources: list[FetchedSource]
    emitted: tuple[Mapping[str, str], dict[str, int], dict[str, int]]
    seconds: dict[str, float]


def _front(
    settings: Settings,
    minter: IriMinter,
    report: BuildReport,
    timer: StepTimer,
    notify: OnStep,
    nquads: Path,
    keep: list[object] | None = None,
) -> _Front:
    """Fetch, parse, resolve and emit into `nquads`; then the records and the resolution are
    released (nothing after emit needs them: x1000 held ~6.8 GB), or, in a child that is
    about to exit, put in `keep`: freeing them object by object would only cost time there."""
    parsed = parse_and_resolve(settings, timer, notify)
    _summarise(report, parsed)
    if keep is not None:
        # a child: the issues, merges and near misses go back as a file, not pickled (x1000:
        # ~1.5 GB of objects), and leave memory before emit, which reuses it (the child's
        # peak is the machine's); emit's own issues are added after, in memory. Timed as emit:
        # the step that hands the report on
        with timer.step("emit"):
            report.park(nquads.parent / PARKED_FILE)
            parsed.resolution.merges, parsed.resolution.near_misses = [], []
            for held in (parsed.resolution.issues, *(r.issues for r in parsed.results)):
                held.clear()  # the issues' other holders: parked, they are needed no more
    # what the build graph needs of the sources, without their text (x1000: ~110 MB)
    sources = [replace(source, text="") for source in parsed.sources]
    with timer.step("emit"):
        emitted: tuple[Mapping[str, str], dict[str, int], dict[str, int]]
        emitted = _emit(settings, parsed, minter, report, nquads)
        if keep is None:
            del parsed
            _clear_resolve_caches()
            release_free_memory()
        else:
            keep.append(parsed)
    notify("emit")
    return _Front(report, sources, emitted, dict(timer.seconds))


def front_apart(
    settings: Settings,
    minter: IriMinter,
    report: BuildReport,
    timer: StepTimer,
    notify: OnStep,
    nquads: Path,
) -> _Front:
    """`_front` in a forked child where the system forks (issue 13): the heap that parse and
    resolve grow stays fragmented after they are released (x1000: 5.4 GB resident for every
    later step), and a child's heap goes back to the system whole when it exits. Only the
    `_Front` comes back (pickled). `report.process_memory_kb["emit"]` is the child's memory."""
    if not can_fork():
        return _front(settings, minter, report, timer, notify, nquads)

    # the steps' progress goes to `notify` in this process, while the child waits (a progress
    # bar, the growth benchmark's memory probe)
    kept: list[object] = []
    child: Forked[_Front] = Forked(
        lambda: _front(settings, minter, report, timer, tell, nquads, kept),
        scratch=nquads.parent,
        relay=notify,
    )
    try:
        front = child.result()
    except BaseException:
        child.cancel()  # only if still running: an interrupt, or a failure of the relay
        raise
    timer.seconds.update(front.seconds)
    front.report.process_memory_kb["emit"] = dict(child.memory_kb)
    return front


__all__ = [
    "LINE_INDEX_FILE",
    "PARKED_FILE",
    "OnStep",
    "Parsed",
    "front_apart",
    "parse_and_resolve",
    "skip_graphs",
]
