"""Emit's line index (node IRI -> "file:line") in an SQLite file instead of a dict (issue 13).

Validation only looks up the nodes its results name, but the index has an entry for every
paper, person, list item, authorship and link: 3-4 million at x1000, about 1 GB as a Python
dict, which the build's process would hold through validate, load and export, and which the
front child would have to pickle to hand it over. The front child writes it here instead
(`write`), and `LineIndexFile` answers look-ups from the file, opening its connection in the
process that first asks (never across a fork).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path

__all__ = ["LineIndexFile", "LineIndexWriter", "write"]

_BATCH = 100_000
_FIRST = "SELECT at FROM line WHERE iri = ? ORDER BY rowid LIMIT 1"


def write(index: Mapping[str, str], path: Path) -> LineIndexFile:
    """Write `index` to a new SQLite file at `path` and return a mapping over it."""
    writer = LineIndexWriter(path)
    for iri, at in index.items():
        writer.setdefault(iri, at)
    return writer.close()


class LineIndexWriter:
    """Builds the file while emit runs: entries go in as they come, in batches, so the index
    is never a dict of every node (x1000: ~1 GB at the end of emit in the front child).

    Rows are appended to a table without a key, and the look-up index is made once at
    `close`: a key kept up to date while inserting meant a B-tree insert at a random place
    per node, slower per node as the file grew (x1000: emit's share of it grew 16x for 10x
    the nodes), where one index made from the whole table sorts it once.

    `setdefault` keeps the first place named for a node, as a dict's would: within a batch by
    the batch's dict, across batches by reading the earliest row (`LineIndexFile`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._batch: dict[str, str] = {}
        self._connection = sqlite3.connect(path)
        # a scratch file of this build: nothing to recover after a crash
        self._connection.execute("PRAGMA journal_mode = OFF")
        self._connection.execute("PRAGMA synchronous = OFF")
        self._connection.execute("CREATE TABLE line (iri TEXT NOT NULL, at TEXT NOT NULL)")

    def setdefault(self, iri: str, at: str) -> str:
        found = self._batch.setdefault(iri, at)
        if len(self._batch) >= _BATCH:
            self._flush()
        return found

    def _flush(self) -> None:
        self._connection.executemany("INSERT INTO line VALUES (?, ?)", self._batch.items())
        self._batch.clear()

    def close(self) -> LineIndexFile:
        """Write what is left, index it and close the file; the mapping over it from here on."""
        try:
            self._flush()
            # (iri, rowid) in the index: a node's rows in the order they were written
            self._connection.execute("CREATE INDEX line_iri ON line (iri)")
            self._connection.commit()
        finally:
            self._connection.close()
        return LineIndexFile(self.path)

    def discard(self) -> None:
        """Close without finishing (emit failed): the file is the run folder's, removed with it."""
        self._connection.close()


class LineIndexFile(Mapping[str, str]):
    """A read-only mapping over a file `write` made."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    def _db(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():
            self._connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            self._pid = os.getpid()
        return self._connection

    def __getitem__(self, iri: str) -> str:
        # the first row of a node: the first place emit named it (`LineIndexWriter`)
        row = self._db().execute(_FIRST, (iri,)).fetchone()
        if row is None:
            raise KeyError(iri)
        return str(row[0])

    def __iter__(self) -> Iterator[str]:
        for (iri,) in self._db().execute("SELECT DISTINCT iri FROM line"):
            yield str(iri)

    def __len__(self) -> int:
        return int(self._db().execute("SELECT count(DISTINCT iri) FROM line").fetchone()[0])

    def __getstate__(self) -> dict[str, object]:
        return {"path": self.path}  # a connection does not travel: the receiver opens its own

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(Path(str(state["path"])))  # type: ignore[misc]

    def close(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None
