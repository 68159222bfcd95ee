"""The on-disk pyoxigraph store, read-only: open it and query it (load.py makes it)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .errors import QueryError, StoreError
from .prefixes import PREDEFINED


def open_read_only(store_dir: Path) -> ox.Store:
    """Open a built store for reading; a missing store is a one-line error saying what to do."""
    if not (store_dir / "CURRENT").is_file():
        raise StoreError("no built store here: run `dlkg build` first", path=store_dir)
    try:
        return ox.Store.read_only(str(store_dir))
    except OSError as exc:
        raise StoreError(f"cannot open the store: {exc}", path=store_dir) from None


def run_query(store: ox.Store, sparql: str, *, union: bool = True) -> object:
    """Evaluate a read-only query over the union of the named graphs (by default).

    The common prefixes (`prefixes.PREDEFINED`) are declared unless the query declares them
    itself; a syntax error is one readable line with the user's own line and column.
    """
    try:
        return store.query(sparql, prefixes=PREDEFINED, use_default_graph_as_union=union)
    except SyntaxError as exc:
        from .sparql_syntax import explain  # its regexes compile only for a failing query

        problem = explain(str(exc), sparql)
        raise QueryError(problem.message, detail=problem.detail) from None
    except (OSError, RuntimeError) as exc:
        # e.g. an unknown function IRI: the engine raises RuntimeError when it evaluates it
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise QueryError(f"query failed: {first}", detail=str(exc)) from None
