"""Export: the dumps (N-Triples, Turtle, TriG, N-Quads, JSON-LD) and their checksums.

N-Triples and N-Quads are sorted line by line, so equal data gives equal bytes. The flat dumps
(N-Triples, Turtle) leave out the build graph, the only clock-dependent part (docs/data-model.md).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib

from .common import sha256_bytes, write_atomic
from .emit import BUILD_GRAPH
from .errors import StoreError
from .formats import DUMP_FORMATS, JSON_LD, N_QUADS, N_TRIPLES, TRIG, TURTLE
from .iris import IriMinter
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


def flat_ntriples(store: ox.Store, minter: IriMinter) -> bytes:
    """Every triple of every graph but the build graph, deduplicated and sorted."""
    build = ox.NamedNode(str(minter.graph(BUILD_GRAPH)))
    chunks = [
        store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        for graph in store.named_graphs()
        if graph != build
    ]
    chunks.append(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()))
    return _sorted_lines(b"".join(c for c in chunks if c))


def _jsonld(nquads: bytes, context: dict[str, object], context_iri: str) -> bytes:
    """Compact JSON-LD of the whole dataset against the published context."""
    ds = rdflib.Dataset()
    ds.parse(data=nquads, format="nquads")
    compact = json.loads(ds.serialize(format="json-ld", context=context, auto_compact=True))
    # The dump points at the published context instead of inlining it (same terms).
    compact["@context"] = context_iri
    return json.dumps(compact, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def export_dumps(
    store: ox.Store,
    dumps_dir: Path,
    *,
    minter: IriMinter,
    context_path: Path,
    on_step: Callable[[str], None] | None = None,
) -> list[Dump]:
    """Write every dump into `dumps_dir` (atomically, file by file) plus SHA256SUMS."""
    prefixes = dict(PREFIXES)
    nt = flat_ntriples(store, minter)
    nq = _sorted_lines(store.dump(format=ox.RdfFormat.N_QUADS) or b"")
    triples = list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
    ttl = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    trig = store.dump(format=ox.RdfFormat.TRIG, prefixes=prefixes) or b""
    context_bytes = context_path.read_bytes()
    context = json.loads(context_bytes)["@context"]
    jsonld = _jsonld(nq, context, str(minter.download(CONTEXT_FILE)))
    by_format = {N_TRIPLES: nt, TURTLE: ttl, TRIG: trig, N_QUADS: nq, JSON_LD: jsonld}
    outputs = [(f"dlkg.{f.extension}", f.media_type, by_format[f]) for f in DUMP_FORMATS]
    outputs.append((CONTEXT_FILE, JSON_LD.media_type, context_bytes))
    dumps = []
    for file_name, media_type, data in outputs:
        _write(dumps_dir / file_name, data)
        dumps.append(Dump(file_name, media_type, len(data), sha256_bytes(data)))
        if on_step:
            on_step(file_name)
    sums = "".join(f"{d.sha256}  {d.file_name}\n" for d in dumps)
    _write(dumps_dir / CHECKSUMS_FILE, sums.encode("ascii"))
    return dumps


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
