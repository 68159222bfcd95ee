"""What `dlkg stats TOPIC [--out DIR] [--plots DIR]` does, kept out of cli.py."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..errors import UsageError
from .queries import TOPICS, Table, run_all, run_topic, store_select
from .tables import format_terminal, ranked, top_with_ties, truncate, write_tables

# Shown in the terminal only for the people named with --person: it has a row per co-author.
PER_PERSON = frozenset({"coauthors"})


def run_stats_command(
    store_dir: Path,
    topic: str | None,
    *,
    out: Path | None,
    plots: Path | None,
    limit: int,
    person: str | None,
    as_json: bool,
    echo: Callable[[str], None],
) -> None:
    """Print TOPIC's tables; write every table (or TOPIC's) to `out`, every picture to `plots`."""
    from ..store import open_read_only

    select = store_select(open_read_only(store_dir))
    if topic is None or plots is not None:
        tables = run_all(select)  # the pictures draw on every topic
    else:
        tables = {t.name: t for t in run_topic(select, topic)}
    shown = [tables[name] for name in TOPICS[topic]] if topic is not None else []
    if topic is not None:
        _print(shown, limit=limit, person=person, as_json=as_json, echo=echo)
    if out is not None:
        try:
            written = write_tables([ranked(t) for t in (shown or tables.values())], out)
        except OSError as error:
            raise UsageError(f"--out: cannot write to {out}: {error.strerror}") from None
        echo(f"wrote {len(written)} files (CSV and JSON per table) to {out}")
    if plots is not None:
        from .files import write_plots

        try:
            written = write_plots(tables, plots)
        except OSError as error:
            raise UsageError(f"--plots: cannot write to {plots}: {error.strerror}") from None
        echo(f"wrote {len(written)} files (charts and networks: SVG, PNG, Vega-Lite) to {plots}")


def _for_person(table: Table, person: str) -> Table:
    """Rows naming `person` (a case-insensitive part of the name), on either side of a pair."""
    wanted = person.casefold()
    columns = [c for c in ("name", "coauthor_name") if c in table.columns]
    if table.name == "coauthors":
        columns = ["name"]  # its rows come in both directions: one side is enough
    rows = [r for r in table.rows if any(wanted in str(r.get(c) or "").casefold() for c in columns)]
    return replace(table, rows=rows)


def _print(
    tables: list[Table],
    *,
    limit: int,
    person: str | None,
    as_json: bool,
    echo: Callable[[str], None],
) -> None:
    width = shutil.get_terminal_size((100, 24)).columns
    chosen: list[Table] = []
    for table in tables:
        if table.name in PER_PERSON and person is None:
            continue
        shown = ranked(table)
        if person is not None:
            shown = _for_person(shown, person)
        elif table.name not in PER_PERSON:
            shown = top_with_ties(shown, limit)
        chosen.append(shown)
    if as_json:
        document = {t.name: {"title": t.title, "rows": t.rows} for t in chosen}
        echo(json.dumps(document, ensure_ascii=False, indent=1))
        return
    for table in chosen:
        echo(format_terminal(table, width))
    if any(t.name in PER_PERSON for t in tables) and person is None:
        echo(truncate("(co-authors of a person: --person NAME; every table: --out DIR)", width))
