"""`dlkg.line_index`: emit's line index in an SQLite file, read as a mapping anywhere."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from dlkg.forked import Forked
from dlkg.line_index import LineIndexWriter, write


def test_the_file_answers_as_the_dict_did(tmp_path: Path) -> None:
    index = {f"https://w3id.org/dlkg/paper/{i}": f"awesome-readme:{i}" for i in range(250_001)}
    index["https://w3id.org/dlkg/person/é 中"] = "curation.toml:3"
    found = write(index, tmp_path / "index.sqlite")
    assert len(found) == len(index)
    assert found["https://w3id.org/dlkg/paper/7"] == "awesome-readme:7"
    assert found.get("https://w3id.org/dlkg/person/é 中") == "curation.toml:3"
    assert found.get("https://w3id.org/dlkg/paper/x") is None
    assert "https://w3id.org/dlkg/paper/x" not in found
    assert dict(found) == index


def test_it_travels_by_fork_and_by_pickle_without_its_connection(tmp_path: Path) -> None:
    found = write({"a": "f:1", "b": "f:2"}, tmp_path / "index.sqlite")
    assert found["a"] == "f:1"  # a connection in this process
    child = Forked(lambda: (os.getpid(), found["b"], found.get("c")), tmp_path)
    pid, b, c = child.result()
    assert pid != os.getpid() and (b, c) == ("f:2", None)
    back = pickle.loads(pickle.dumps(found))  # noqa: S301 - its own bytes
    assert back["a"] == "f:1"
    found.close()


def test_the_writer_keeps_the_first_place_of_a_node_as_dict_setdefault_does(
    tmp_path: Path,
) -> None:
    # emit names some nodes more than once (a person on many papers): the first place wins,
    # within a batch and across batches (_BATCH entries go in at a time)
    names = [(f"n{i % 150_000}", f"f:{i}") for i in range(320_000)]
    expected: dict[str, str] = {}
    writer = LineIndexWriter(tmp_path / "index.sqlite")
    for iri, at in names:
        expected.setdefault(iri, at)
        writer.setdefault(iri, at)
    found = writer.close()
    assert len(found) == 150_000
    assert dict(found) == expected
    assert found["n149999"] == "f:149999" and found["n0"] == "f:0"
    found.close()
