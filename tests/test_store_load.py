"""The load step in bounded memory (issue 13): the store loaded block by block holds what one
whole-file bulk load holds, blank nodes included; a failed load names the input line and
leaves no store behind, also when the loader's thread is stopped."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from dlkg.errors import StoreError
from dlkg.load import StoreLoader, load_store
from dlkg.store import open_read_only

EX = "http://example.org/"
_BNODE = re.compile(r"_:[A-Za-z0-9]+")


def _crafted(lines: int) -> bytes:
    """N-Quads with what a block boundary could break: blank nodes used far apart, "_:" in
    literals and IRIs, non-ASCII text, duplicates, the default graph, CRLF line ends."""
    out = []
    for i in range(lines):
        graph = f"<{EX}g{i % 3}>" if i % 5 else ""
        out.append(f'<{EX}s{i}> <{EX}p> "value {i} é 中文 \\"q\\"" {graph} .\n')
        if i % 17 == 0:
            # one blank node per 17 lines, described again 40 lines later (another block)
            out.append(f'_:n{i} <{EX}id> "{i}" <{EX}g1> .\n')
            out.append(f"<{EX}s{i}> <{EX}ref> _:n{i} <{EX}g1> .\n")
        if i % 17 == 6 and i > 40:
            out.append(f'_:n{i - 40} <{EX}later> "seen at {i}" <{EX}g1> .\n')
        if i % 23 == 0:
            out.append(f'<{EX}s{i}> <{EX}note> "a literal with _:x in it" .\r\n')
            out.append(f"<{EX}s{i}> <{EX}link> <{EX}odd/_:iri> <{EX}g2> .\n")
        if i % 31 == 0:
            out.append(out[-1])  # a duplicate quad, in the file twice
    return "".join(out).encode()


def _canonical(store: ox.Store) -> list[str]:
    """The store's quads as sorted lines, each blank node named by its <id> literal."""
    names = {
        str(q.subject): f"_:id{q.object.value}"
        for q in store.quads_for_pattern(None, ox.NamedNode(EX + "id"), None, None)
    }
    dump = store.dump(format=ox.RdfFormat.N_QUADS).decode()
    # "_:" in a literal or an IRI is no blank node: it stays as it is
    relabelled = (
        _BNODE.sub(lambda m: names.get(m.group(0), m.group(0)), line) for line in dump.splitlines()
    )
    return sorted(relabelled)


@pytest.mark.parametrize("block_bytes", [64, 300, 4096, 1 << 25])
def test_blocks_hold_what_one_bulk_load_holds(tmp_path: Path, block_bytes: int) -> None:
    data = _crafted(400)
    path = tmp_path / "in.nq"
    path.write_bytes(data)
    reference = ox.Store()
    reference.bulk_load(data, format=ox.RdfFormat.N_QUADS)

    count = load_store(path, tmp_path / "run" / "store", block_bytes=block_bytes)
    loaded = open_read_only(tmp_path / "run" / "store")
    assert count == len(reference) == len(loaded)
    assert _canonical(loaded) == _canonical(reference)
    # every blank node stayed one node: as many in the store as labels in the file
    labels = {m.group(0) for m in _BNODE.finditer(data.decode()) if m.group(0).startswith("_:n")}
    described = list(loaded.quads_for_pattern(None, ox.NamedNode(EX + "id"), None, None))
    assert len({q.subject for q in described}) == len(labels)
    assert not list(tmp_path.joinpath("run").glob(".bnodes-*"))  # the scratch file is gone


def test_bytes_in_blocks_too(tmp_path: Path) -> None:
    data = _crafted(120)
    count = load_store(data, tmp_path / "store", block_bytes=100)
    reference = ox.Store()
    reference.bulk_load(data, format=ox.RdfFormat.N_QUADS)
    assert count == len(reference)
    assert _canonical(open_read_only(tmp_path / "store")) == _canonical(reference)


def test_a_bad_line_in_a_later_block_is_named_and_no_store_is_left(tmp_path: Path) -> None:
    lines = _crafted(200).decode().splitlines(keepends=True)
    bad_line = 150
    lines[bad_line - 1] = f'<{EX}s> <{EX}p> "unterminated <{EX}g1> .\n'
    path = tmp_path / "in.nq"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(StoreError) as info:
        load_store(path, tmp_path / "run" / "store", block_bytes=500)
    message = str(info.value)
    assert message.startswith(f"{path}:{bad_line}: cannot load the store: ")
    assert "\n" not in message
    assert not (tmp_path / "run" / "store").exists()
    assert not list(tmp_path.joinpath("run").glob(".bnodes-*"))


def test_a_closed_loader_stops_and_leaves_no_store(tmp_path: Path) -> None:
    # the build failed elsewhere (the validator found violations): the load stops between
    # blocks and the store goes
    path = tmp_path / "in.nq"
    path.write_bytes(_crafted(3000))
    loader = StoreLoader(path, tmp_path / "store", block_bytes=512)
    loader.start()
    time.sleep(0.05)
    loader.close()
    assert not (tmp_path / "store").exists()
    assert not list(tmp_path.glob(".bnodes-*"))
