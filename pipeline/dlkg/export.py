"""Export: the dumps (N-Triples, Turtle, TriG, N-Quads, JSON-LD) and their checksums.

N-Triples and N-Quads are sorted line by line, so equal data gives equal bytes; JSON-LD is
compacted by `jsonld.write_compact`, sorted too. The flat dumps (N-Triples, Turtle) leave out
the build graph, the only clock-dependent part (docs/data-model.md).

Memory stays flat as the data grows (issue 13): each graph is dumped once from the store into a
file, the sorts are external (`extsort`: bounded runs in temporary files, then a merge), the
Turtle and TriG writers stream, and the JSON-LD is written node by node from the quads sorted
by graph and subject. The sorts' work files live in a hidden folder inside the dumps folder,
removed at the end; each dump is made in a temporary file beside its final name and renamed.

The build gives the quads as files: the emitted N-Quads the store was loaded from, and the
build graph (`export_source` puts them in the store's writing and splits them by graph; a
scan of a big on-disk store costs more per quad the bigger it is). On a big build the JSON-LD
is written by a child process from the quads sorted by graph and subject, and the TriG by its
own child from the same sorted quads; the Turtle by another fed as the N-Triples are sorted
(`export_child`), while this one sorts the N-Quads. Without files (`export_dumps(store)`) the
store is scanned once: it dumps its N-Quads in a thread (pyoxigraph releases the GIL) while
this thread writes the TriG in the store's order and makes the JSON-LD's nodes
(`export_nodes`). The files are still renamed into place one by one in the order of
`DUMP_FORMATS`.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from .common import sha256_file, write_atomic
from .emit import BUILD_GRAPH
from .errors import StoreError
from .export_child import Child
from .export_jsonld import Parts, write_jsonld
from .export_lines import (
    node_order_groups,
    only_named_graphs,
    quad_blocks,
    scan,
    split_graphs,
    triple_blocks,
    triples_of_quads,
)
from .export_nodes import NodeRecords
from .export_source import graph_files
from .extsort import DEFAULT_RUN_BYTES, Block, sorted_blocks, write_blocks
from .formats import DUMP_FORMATS, JSON_LD, N_QUADS, N_TRIPLES, TRIG, TURTLE, Format
from .iris import IriMinter
from .namespaces import PREFIXES

CONTEXT_FILE = "context.jsonld"
Download = tuple[str, str, bytes | Path]  # file name, media type, its bytes or a file to copy
CHECKSUMS_FILE = "SHA256SUMS"
# From this many bytes of N-Triples on, the JSON-LD is written by a second process: starting
# one costs some 0.2 s, more than the real build's whole JSON-LD (4 MB of N-Triples).
PARALLEL_BYTES = 16 << 20

_NT = ox.RdfFormat.N_TRIPLES


@dataclass(frozen=True)
class Dump:
    file_name: str
    media_type: str
    size: int
    sha256: str


def export_dumps(
    store: ox.Store,
    dumps_dir: Path,
    *,
    minter: IriMinter,
    context_path: Path,
    on_step: Callable[[str], None] | None = None,
    extra: Sequence[Download] = (),
    run_bytes: int = DEFAULT_RUN_BYTES,
    parallel_bytes: int = PARALLEL_BYTES,
    nquads: Sequence[Path] = (),
    graphs: Collection[str] = (),
) -> list[Dump]:
    """Write every dump into `dumps_dir` (atomically, file by file) plus SHA256SUMS.

    The quads are read from the N-Quads files `nquads` when given (the build's emitted file
    and its build graph, which the store was loaded from: `export_source`; `graphs` are the
    graph IRIs they hold), else from one scan of `store`.
    `run_bytes` bounds the lines each sort holds in memory (the tests make it tiny), and
    `parallel_bytes` is the size of the graphs from which the JSON-LD has its own process.
    """
    prefixes = dict(PREFIXES)
    context_bytes = context_path.read_bytes()
    context_iri = str(minter.download(CONTEXT_FILE))
    build = ox.NamedNode(str(minter.graph(BUILD_GRAPH)))
    with ExitStack() as stack:
        work = stack.enter_context(_work_dir(dumps_dir))
        temps = stack.enter_context(_temporaries())
        trig_file = temps(dumps_dir / _file_name(TRIG))
        records: str | None = None
        # with the quads from files, the TriG is written beside the JSON-LD, from the same
        # quads sorted by graph and subject
        trig = (str(trig_file), prefixes) if nquads else None
        try:
            if nquads:
                files = graph_files(nquads, graphs, work)
            else:
                # the JSON-LD's nodes are made during the scan, on the core the store leaves free
                nodes = NodeRecords(work / "nodes", json.loads(context_bytes)["@context"])
                try:
                    dump, runs = scan(store, work, trig_file, prefixes, nodes.add)
                finally:
                    nodes.close()
                records = str(nodes.path) if nodes.usable else None
                files = split_graphs(dump, runs, work)
                dump.unlink()
        except OSError as err:
            raise _write_error(dumps_dir, err, "the TriG and the per-graph work files in") from None
        jsonld_file = temps(dumps_dir / _file_name(JSON_LD))
        parallel = sum(path.stat().st_size for _, path in files) >= parallel_bytes
        if parallel:
            run_bytes //= 2  # two processes sort at once: together they hold what one did
        jsonld_args = (
            node_order_groups(files),
            jsonld_file,
            context_path,
            context_iri,
            work,
            run_bytes,
            records,
            trig,
        )
        child: Parts | None = None
        ttl_file = temps(dumps_dir / _file_name(TURTLE)) if parallel else None
        turtle_child: Child | None = None
        if parallel:
            child = Parts(*jsonld_args)
            stack.callback(child.stop)  # on any failure; a no-op once it is done
            # the Turtle from the N-Triples as they are sorted, in a process of its own
            turtle_child = Child("turtle", [str(ttl_file), prefixes], stream=True)
            stack.callback(turtle_child.stop)

        # with every quad in a named graph (as dlkg builds them) the sorted N-Quads give the
        # N-Triples as they are written, in one sort; then the N-Quads wait for their turn
        nq_file = temps(dumps_dir / _file_name(N_QUADS)) if only_named_graphs(files) else None

        def nt(path: Path) -> None:
            with path.open("wb") as file:
                out = file if turtle_child is None else _Tee(file, turtle_child)
                if nq_file is None:
                    flat = [(g, f) for g, f in files if g != build]
                    write_blocks(sorted_blocks(triple_blocks(flat), work, run_bytes), out)
                    return
                with nq_file.open("wb") as quads_out:
                    quads = sorted_blocks(quad_blocks(files), work, run_bytes)
                    write_blocks(triples_of_quads(_written(quads, quads_out), build), out)

        def turtle(path: Path) -> None:
            if turtle_child is not None:
                turtle_child.result(path)
                return
            # the triples one by one from the N-Triples dump, finished first (DUMP_FORMATS)
            triples = ox.parse(path=dumps_dir / _file_name(N_TRIPLES), format=_NT)
            ox.serialize(triples, path, ox.RdfFormat.TURTLE, prefixes=prefixes)

        def nq(path: Path) -> None:
            if nq_file is not None:
                return  # written with the N-Triples
            with path.open("wb") as out:
                write_blocks(sorted_blocks(quad_blocks(files), work, run_bytes), out)

        jsonld_done: list[bool] = []

        def jsonld(path: Path) -> None:
            if jsonld_done:  # the TriG waited for it already
                return
            jsonld_done.append(True)
            if child is None:
                write_jsonld(*jsonld_args)
            else:
                child.result(path)

        by_format: dict[object, Callable[[Path], None]] = {
            N_TRIPLES: nt,
            TURTLE: turtle,
            TRIG: jsonld if nquads else lambda _: None,  # beside the JSON-LD, or in the scan
            N_QUADS: nq,
            JSON_LD: jsonld,
        }
        # made elsewhere
        made = {TRIG: trig_file, JSON_LD: jsonld_file, N_QUADS: nq_file, TURTLE: ttl_file}
        outputs: list[tuple[str, str, Callable[[Path], None], Path | None]] = [
            (_file_name(f), f.media_type, by_format[f], made.get(f)) for f in DUMP_FORMATS
        ]
        # the context, and other downloads of the build (the SSSOM table and link report of
        # issue 12), are made already
        for name, media, data in [(CONTEXT_FILE, JSON_LD.media_type, context_bytes), *extra]:
            outputs.append((name, media, _copier(data), None))
        dumps = []
        for file_name, media_type, make, into in outputs:
            dumps.append(_publish(dumps_dir / file_name, media_type, make, into))
            if on_step:
                on_step(file_name)
    sums = "".join(f"{d.sha256}  {d.file_name}\n" for d in dumps)
    _write(dumps_dir / CHECKSUMS_FILE, sums.encode("ascii"))
    return dumps


class _Tee:
    """A file whose writes also go to a child process's input (the Turtle writer's)."""

    def __init__(self, file: BinaryIO, child: Child) -> None:
        self._file, self._child, self._open = file, child, True

    def write(self, data: bytes) -> int:
        if self._open:  # a child that stopped reading has failed: its result says why
            self._open = self._child.write(data)
        return self._file.write(data)


def _written(blocks: Iterator[Block], out: BinaryIO) -> Iterator[Block]:
    """The blocks, each written to `out` on its way through."""
    for block in blocks:
        write_blocks([block], out)
        yield block


def _file_name(f: Format) -> str:
    return f"dlkg.{f.extension}"


def _copier(data: bytes | Path, link: bool = False) -> Callable[[Path], None]:
    """What writes a download given as bytes or as a file (copied in chunks, not read whole;
    with `link`, hard-linked where the file system allows)."""

    def write(path: Path) -> None:
        if not isinstance(data, Path):
            path.write_bytes(data)
            return
        if link:
            try:
                path.unlink()  # the empty temporary made for it: the link takes its name
                os.link(data, path)
                return
            except OSError:  # another file system, or no hard links there: a copy
                pass
        shutil.copyfile(data, path)

    return write


@contextmanager
def _work_dir(dumps_dir: Path) -> Iterator[Path]:
    """A hidden folder for the sorts' work files inside `dumps_dir`, removed on the way out."""
    try:
        dumps_dir.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkdtemp(dir=dumps_dir, prefix=".export-"))
    except OSError as err:
        raise _write_error(dumps_dir, err, "a work folder in") from None
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _publish(
    target: Path,
    media_type: str,
    make: Callable[[Path], None],
    made: Path | None = None,
    sha256: str | None = None,
) -> Dump:
    """Make one download in a temporary file beside `target` (`made`, when the caller made it
    already), then rename it into place: the file of that name stays as it was until the new
    one is complete (a full disk is a one-line StoreError, exit 4, and the temporary file is
    removed)."""
    try:
        if made is None:
            made = _temporary(target)
        make(made)
        made.chmod(0o644)  # mkstemp makes 0600; dumps are for everyone to read
        dump = Dump(target.name, media_type, made.stat().st_size, sha256 or sha256_file(made))
        made.replace(target)
    except OSError as err:
        raise _write_error(target, err) from None
    finally:
        if made is not None:
            made.unlink(missing_ok=True)  # gone already when renamed
    return dump


def _temporary(target: Path) -> Path:
    """An empty temporary file beside `target`, hidden, to be renamed to it when complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    return Path(name)


@contextmanager
def _temporaries() -> Iterator[Callable[[Path], Path]]:
    """A maker of `_temporary` files that removes, on the way out, those not renamed."""
    made: list[Path] = []

    def new(target: Path) -> Path:
        try:
            made.append(_temporary(target))
        except OSError as err:
            raise _write_error(target, err) from None
        return made[-1]

    try:
        yield new
    finally:
        for path in made:
            path.unlink(missing_ok=True)


def _write_error(target: Path, err: OSError, what: str = "") -> StoreError:
    """A full disk (or any refused write) as a one-line StoreError (exit 4)."""
    reason = err.strerror or str(err)
    where = f"{what} {target.name}" if what else target.name
    return StoreError(f"cannot write {where}: {reason}", path=target)


# The build report, offered among the downloads next to the dumps (name, media type).
REPORT_FILES = (
    ("report.json", "application/json"),
    ("report.csv", "text/csv; charset=utf-8"),
    ("changes.json", "application/json"),  # what changed since the previous build (diff.py)
)


def report_downloads(run_dir: Path) -> list[Download]:
    """The report files of a build folder that exist, ready for `add_downloads`."""
    return [
        (name, media_type, run_dir / name)
        for name, media_type in REPORT_FILES
        if (run_dir / name).is_file()
    ]


def add_downloads(
    dumps_dir: Path,
    files: Sequence[Download],
    *,
    link: bool = False,
    sha256: Mapping[str, str] | None = None,
) -> list[Dump]:
    """Write more files (name, media type, bytes or a file to copy) among the dumps, e.g. the
    build report, and list them in SHA256SUMS so that /downloads offers them with their sha256.
    `link`: hard-link the files instead of copying them, for files that never change after
    (the build's own report in its run folder: over a GB at x1000). `sha256`: the digests
    of files given as files, by name, where the caller has them already."""
    added = []
    sums_path = dumps_dir / CHECKSUMS_FILE
    sums = sums_path.read_text(encoding="ascii") if sums_path.exists() else ""
    for file_name, media_type, data in files:
        known = (sha256 or {}).get(file_name) if isinstance(data, Path) else None
        make = _copier(data, link)
        added.append(_publish(dumps_dir / file_name, media_type, make, sha256=known))
        sums += f"{added[-1].sha256}  {file_name}\n"
    _write(sums_path, sums.encode("ascii"))
    return added


def _write(target: Path, data: bytes) -> None:
    """write_atomic, with a full disk (or any refused write) as a one-line StoreError (exit 4).

    The temporary file is removed, so the previous dump of that name stays as it was.
    """
    try:
        write_atomic(target, data)
    except OSError as err:
        reason = err.strerror or str(err)
        raise StoreError(
            f"cannot write {target.name} ({len(data)} bytes): {reason}", path=target
        ) from None
