"""Export: the dumps (N-Triples, Turtle, TriG, N-Quads, JSON-LD) and their checksums.

N-Triples and N-Quads are sorted line by line, so equal data gives equal bytes; JSON-LD is
compacted by `jsonld.compact_dataset` straight from the store, sorted too. The flat dumps
(N-Triples, Turtle) leave out the build graph, the only clock-dependent part (docs/data-model.md).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .common import sha256_bytes, write_atomic
from .emit import BUILD_GRAPH
from .errors import StoreError
from .formats import DUMP_FORMATS, JSON_LD, N_QUADS, N_TRIPLES, TRIG, TURTLE
from .iris import IriMinter
from .jsonld import compact_dataset
from .namespaces import PREFIXES

CONTEXT_FILE = "context.jsonld"
CHECKSUMS_FILE = "SHA256SUMS"


@dataclass(frozen=True)
class Dump:
    file_name: str
    media_type: str
    size: int
    sha256: str


def _sorted_lines(data: bytes) -> bytes:
    lines = sorted(set(data.splitlines()))
    return b"".join(line + b"\n" for line in lines if line.strip())


def _graph_dumps(store: ox.Store) -> list[tuple[ox.NamedNode | None, bytes]]:
    """Each graph's N-Triples (None: the default graph): one pass over an on-disk store, whose
    full scans cost far more than the serialising (issue 13), shared by several dumps."""
    graphs: list[ox.NamedNode | None] = [*sorted(store.named_graphs(), key=str), None]
    return [
        (graph, store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph or ox.DefaultGraph()))
        for graph in graphs
    ]


def flat_ntriples(dumps: list[tuple[ox.NamedNode | None, bytes]], minter: IriMinter) -> bytes:
    """Every triple of every graph but the build graph, deduplicated and sorted."""
    build = ox.NamedNode(str(minter.graph(BUILD_GRAPH)))
    return _sorted_lines(b"".join(data for graph, data in dumps if graph != build))


def sorted_nquads(dumps: list[tuple[ox.NamedNode | None, bytes]]) -> bytes:
    """Every quad, sorted: each N-Triples line `s p o .` of a named graph becomes
    `s p o <g> .`, as the store's own N-Quads writer puts it."""
    chunks = []
    for graph, data in dumps:
        if graph is None:
            chunks.append(data)
            continue
        label = str(graph).encode("utf-8") + b" .\n"  # str(): the term as N-Triples writes it
        chunks.extend(line[:-2] + label for line in data.splitlines(keepends=True))
    return _sorted_lines(b"".join(chunks))


def export_dumps(
    store: ox.Store,
    dumps_dir: Path,
    *,
    minter: IriMinter,
    context_path: Path,
    on_step: Callable[[str], None] | None = None,
    extra: Sequence[tuple[str, str, bytes]] = (),
) -> list[Dump]:
    """Write every dump into `dumps_dir` (atomically, file by file) plus SHA256SUMS.

    One dump is made, written and dropped at a time (only the flat N-Triples are kept, for the
    Turtle), so memory holds one serialisation of the data, not all five (issue 13).
    """
    prefixes = dict(PREFIXES)
    graph_dumps = _graph_dumps(store)
    nt = flat_ntriples(graph_dumps, minter)
    nq = sorted_nquads(graph_dumps)
    del graph_dumps
    context_bytes = context_path.read_bytes()
    context = json.loads(context_bytes)["@context"]

    def turtle() -> bytes:
        # ox.parse yields the triples one by one: no list of all of them
        triples = ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""

    def jsonld() -> bytes:
        # the quads parsed back from the N-Quads dump: faster than another scan of the store
        quads = ox.parse(nq, format=ox.RdfFormat.N_QUADS)
        return compact_dataset(quads, context, str(minter.download(CONTEXT_FILE)))

    by_format: dict[object, Callable[[], bytes]] = {
        N_TRIPLES: lambda: nt,
        TURTLE: turtle,
        TRIG: lambda: store.dump(format=ox.RdfFormat.TRIG, prefixes=prefixes) or b"",
        N_QUADS: lambda: nq,
        JSON_LD: jsonld,
    }
    outputs: list[tuple[str, str, Callable[[], bytes]]] = [
        (f"dlkg.{f.extension}", f.media_type, by_format[f]) for f in DUMP_FORMATS
    ]
    outputs.append((CONTEXT_FILE, JSON_LD.media_type, lambda: context_bytes))
    # other downloads of the build (the SSSOM table and link report of issue 12)
    outputs.extend((name, media, (lambda data=data: data)) for name, media, data in extra)
    dumps = []
    for file_name, media_type, make in outputs:
        data = make()
        _write(dumps_dir / file_name, data)
        dumps.append(Dump(file_name, media_type, len(data), sha256_bytes(data)))
        del data
        if on_step:
            on_step(file_name)
    sums = "".join(f"{d.sha256}  {d.file_name}\n" for d in dumps)
    _write(dumps_dir / CHECKSUMS_FILE, sums.encode("ascii"))
    return dumps


# The build report, offered among the downloads next to the dumps (name, media type).
REPORT_FILES = (
    ("report.json", "application/json"),
    ("report.csv", "text/csv; charset=utf-8"),
    ("changes.json", "application/json"),  # what changed since the previous build (diff.py)
)


def report_downloads(run_dir: Path) -> list[tuple[str, str, bytes]]:
    """The report files of a build folder that exist, ready for `add_downloads`."""
    return [
        (name, media_type, (run_dir / name).read_bytes())
        for name, media_type in REPORT_FILES
        if (run_dir / name).is_file()
    ]


def add_downloads(dumps_dir: Path, files: list[tuple[str, str, bytes]]) -> list[Dump]:
    """Write more files (name, media type, bytes) among the dumps, e.g. the build report, and
    list them in SHA256SUMS so that the server's /downloads offers them with their sha256."""
    added = []
    sums_path = dumps_dir / CHECKSUMS_FILE
    sums = sums_path.read_text(encoding="ascii") if sums_path.exists() else ""
    for file_name, media_type, data in files:
        _write(dumps_dir / file_name, data)
        added.append(Dump(file_name, media_type, len(data), sha256_bytes(data)))
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
