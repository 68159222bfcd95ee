"""Tables for people: ranks with ties kept whole, terminal output fitted to its width, CSV and JSON.

A ranking "top N" keeps everyone tied with the N-th (standard competition ranking 1, 2, 2, 4),
as query 10 does, so no one is dropped alphabetically at the cut-off.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import replace
from pathlib import Path

from .queries import Row, Table, Value

# The measure each ranking sorts by; tables not listed here are not ranked.
RANKED_BY: dict[str, str] = {
    "authors-top100": "papers",
    "authors-roadmap": "papers",
    "authors-all": "papers",
    "coauthor-pairs": "shared",
}
# IRI columns: written to CSV/JSON, left out in the terminal where a name or label says the same.
IRI_COLUMNS = frozenset({"person", "coauthor", "section"})
ELLIPSIS = "…"
MIN_COLUMN = 6


def ranked(table: Table) -> Table:
    """Add a `rank` column (1, 2, 2, 4, ...) by the table's measure, in its existing order."""
    measure = RANKED_BY.get(table.name)
    if measure is None:
        return table
    values = [_number(row.get(measure)) for row in table.rows]
    rows: list[Row] = []
    for row, value in zip(table.rows, values, strict=True):
        rank = 1 + sum(1 for other in values if other > value)
        rows.append({"rank": rank, **row})
    return replace(table, columns=["rank", *table.columns], rows=rows)


def top_with_ties(table: Table, limit: int) -> Table:
    """Rows ranked `limit` or better (ties at the cut-off kept); all rows when limit <= 0 or
    the table is not a ranking."""
    if limit <= 0 or "rank" not in table.columns:
        return table
    return replace(table, rows=[r for r in table.rows if _number(r.get("rank")) <= limit])


def _number(value: Value) -> int:
    return int(value) if isinstance(value, int | bool) else 0


def cell_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def display_width(text: str) -> int:
    """Terminal columns of `text`: wide and full-width characters (CJK) take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def truncate(text: str, width: int) -> str:
    """`text` cut to at most `width` terminal columns, ending in … when cut."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + ELLIPSIS


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def format_terminal(table: Table, width: int) -> str:
    """The table as aligned text no wider than `width` columns (long cells end in …)."""
    columns = [c for c in table.columns if c not in IRI_COLUMNS] or table.columns
    cells = [[cell_text(row.get(c)) for c in columns] for row in table.rows]
    numeric = [
        all(isinstance(row.get(c), int | bool) or row.get(c) is None for row in table.rows)
        for c in columns
    ]
    widths = [
        max([display_width(c), *(display_width(r[i]) for r in cells)])
        for i, c in enumerate(columns)
    ]
    gap = 2
    # Shrink the widest text column one step at a time until the table fits.
    while sum(widths) + gap * (len(widths) - 1) > width:
        shrinkable = [i for i, w in enumerate(widths) if not numeric[i] and w > MIN_COLUMN]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1

    def line(values: list[str], right: bool = True) -> str:
        parts = [
            _pad(truncate(v, w), w, right and numeric[i])
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ]
        return (" " * gap).join(parts).rstrip()

    out = [
        truncate(f"# {table.title}", width),
        line(columns, right=False),
        line(["-" * w for w in widths]),
    ]
    out.extend(line(r) for r in cells)
    return "\n".join(out) + "\n"


def to_csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([cell_text(row.get(c)) for c in table.columns])
    return buffer.getvalue()


def to_json(table: Table) -> str:
    document: dict[str, object] = {
        "name": table.name,
        "title": table.title,
        "columns": table.columns,
        "rows": [{c: row.get(c) for c in table.columns} for row in table.rows],
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def write_tables(tables: list[Table], out_dir: Path) -> list[Path]:
    """`{name}.csv` and `{name}.json` per table in `out_dir`; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for table in tables:
        for suffix, text in ((".csv", to_csv(table)), (".json", to_json(table))):
            path = out_dir / f"{table.name}{suffix}"
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def to_markdown(table: Table, columns: list[str]) -> str:
    """A GitHub Markdown table of `columns` (the README's top-10 authors)."""
    numeric = [all(isinstance(r.get(c), int) for r in table.rows) for c in columns]
    out = ["| " + " | ".join(columns) + " |"]
    out.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
    for row in table.rows:
        cells = [cell_text(row.get(c)).replace("|", "\\|") for c in columns]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"
