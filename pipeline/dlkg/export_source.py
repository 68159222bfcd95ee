"""The quads export reads: the emitted N-Quads, written as the store writes them, split by graph.

Export used to scan the loaded store for its quads. An on-disk store decodes every term of
every quad from its dictionary as it dumps, and that cost grows with the store: 6.4 µs a quad
at x100, 9.0 at x1000 (one thread, `store.dump` alone; docs/scale.md), the same growth as the
whole export's (exponent 1.15). The emitted file holds the same quads (the store was loaded
from it, and validated from it), read sequentially, so export now reads that instead.

Its text is rdflib's (nqtext.py), the store's is Oxigraph's, and the dumps keep the store's
bytes. The two differ only in a few kinds of lines (checked against a store on crafted lines in
tests/test_export_source.py): a language tag with capitals (Oxigraph writes it in lower case),
a control character or U+FFFE/U+FFFF in a literal (Oxigraph escapes them), and a typed literal
whose value the store keeps in native form (its canonical lexical form comes back: "007" as
"7", "1"^^xsd:boolean as "true") or which it writes without its datatype (xsd:string). Such
lines are found by byte searches over a chunk of many lines and rewritten by an in-memory
store, so their text is exactly what the on-disk store gives; every other line is taken as
it is, by the chunk.

Each graph's lines then go to a file of their own (what the sorts read, `export_lines`). Every
emitted quad is in a named graph (emit writes no other), so a line's graph is its last term;
a line naming a graph the caller did not expect is an error, not a guess.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from pathlib import Path

import pyoxigraph as ox

from .export_lines import GraphFile
from .extsort import file_chunks

__all__ = ["UnexpectedQuadError", "canonical", "graph_files"]

_XSD = rb"http://www\.w3\.org/2001/XMLSchema#"
# Each search has a literal start, which `re` looks for as fast as `bytes.find`: a language tag
# with a capital; a typed literal of any datatype but the three `_NATIVE` checks; "_:", which
# may be a blank node (emit writes none: the in-memory store tells, and `canonical` refuses it)
_SEARCHES = (
    re.compile(rb'"@[a-zA-Z0-9-]*[A-Z]'),
    re.compile(rb"\^\^<(?!" + _XSD + rb"(?:integer|boolean|gYear)>)"),
    re.compile(rb"_:"),
)
# a control character (but the newline ending each line) or U+FFFE/U+FFFF in UTF-8: rare, so
# first looked for by deleting every other byte and by `in` (C passes), then found by a search
_ODD = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]|\xef\xbf[\xbe\xbf]")
_NOT_CONTROL = bytes(b for b in range(256) if b != 0x7F and (b >= 0x20 or b == 0x0A))
_NONCHARACTERS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")
# integers, booleans and years: rewritten only when not in the store's canonical form
_NATIVE = re.compile(rb'"\^\^<' + _XSD + rb"(integer|boolean|gYear)>")
_CANONICAL = {
    b"integer": re.compile(rb"0|-?[1-9][0-9]*"),
    b"boolean": re.compile(rb"true|false"),
    b"gYear": re.compile(rb"-?[0-9]{4}"),
}
_NQ = ox.RdfFormat.N_QUADS


class UnexpectedQuadError(ValueError):
    """A line export cannot place: a blank node (emit writes none) or an unexpected graph."""


def canonical(chunk: bytes) -> bytes:
    """Whole N-Quads lines as the store writes them: the lines that differ (module docstring)
    rewritten by an in-memory store and put after the others (the dumps are sorted anyway),
    the rest unchanged. Duplicate rewritten lines come out once, others as they are."""
    found = [m.start() for search in _SEARCHES for m in search.finditer(chunk)]
    if chunk.translate(None, _NOT_CONTROL) or any(c in chunk for c in _NONCHARACTERS):
        found += [m.start() for m in _ODD.finditer(chunk)]
    starts = {chunk.rfind(b"\n", 0, at) + 1 for at in found}
    for m in _NATIVE.finditer(chunk):
        opening = chunk.rfind(b'"', 0, m.start())
        if not _CANONICAL[m.group(1)].fullmatch(chunk, opening + 1, m.start()):
            starts.add(chunk.rfind(b"\n", 0, m.start()) + 1)
    if not starts:
        return chunk
    kept, rewritten, last = [], [], 0
    for start in sorted(starts):
        end = chunk.index(b"\n", start) + 1
        kept.append(chunk[last:start])
        rewritten.append(chunk[start:end])
        last = end
    kept.append(chunk[last:])
    store = ox.Store()
    store.load(b"".join(rewritten), format=_NQ)
    for quad in store:
        if any(isinstance(t, ox.BlankNode) for t in (quad.subject, quad.object, quad.graph_name)):
            raise UnexpectedQuadError(f"a blank node in the emitted data: {quad}")
    return b"".join(kept) + (store.dump(format=_NQ) or b"")  # bytes, as no output is given


def graph_files(sources: Iterable[Path], graphs: Collection[str], work: Path) -> list[GraphFile]:
    """The lines of the N-Quads files `sources`, in the store's writing (`canonical`), each in
    the file of its graph under `work`, named graphs by name as `export_lines.split_graphs`
    gives them. `graphs` are the graph IRIs the files may hold."""
    labels = {b"<" + g.encode("utf-8") + b">": g for g in graphs}
    buffers: dict[bytes, list[bytes]] = {}
    paths: dict[bytes, Path] = {}
    for source in sources:
        for chunk in file_chunks(source):
            for line in canonical(chunk).splitlines(keepends=True):
                label = line[line.rfind(b" <", 0, -3) + 1 : -3]  # a line ends "<g> .\n"
                bucket = buffers.get(label)
                if bucket is None:
                    if label not in labels:
                        raise UnexpectedQuadError(
                            f"{source}: a quad outside the expected graphs: {line[:200]!r}"
                        )
                    bucket = buffers[label] = []
                    paths[label] = work / f"graph-{len(paths)}.nq"
                bucket.append(line)
            for label, bucket in buffers.items():
                with paths[label].open("ab") as out:
                    out.write(b"".join(bucket))
                bucket.clear()
    named = sorted(paths)  # as split_graphs sorts them: by <iri> (UTF-8 keeps the order)
    return [(ox.NamedNode(labels[label]), paths[label]) for label in named]
