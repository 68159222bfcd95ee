"""Queries from the command line: `dlkg query` output formats and `dlkg stats`."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .errors import QueryError
from .store import open_read_only, run_query


def _term(term: object | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def _width(text: str) -> int:
    """Terminal columns of `text`: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def shorten(text: str, max_width: int) -> str:
    """`text` cut to at most `max_width` columns, ending in '…' when cut.

    >>> shorten("Deep residual learning", 10)
    'Deep resi…'
    >>> shorten("深度学习论文", 7)
    '深度学…'
    """
    text = " ".join(text.split())  # a cell is one line
    if _width(text) <= max_width:
        return text
    out, used = "", 0
    for ch in text:
        if used + _width(ch) > max_width - 1:
            break
        out, used = out + ch, used + _width(ch)
    return out.rstrip() + "…"


def format_table(solutions: ox.QuerySolutions, max_width: int | None = None) -> str:
    """A plain text table, columns padded to their widest cell (CJK counts double); with
    `max_width`, longer cells are shortened with '…'."""
    names = [v.value for v in solutions.variables]
    rows = [[_term(s[n]) for n in names] for s in solutions]
    if max_width is not None:
        rows = [[shorten(cell, max_width) for cell in row] for row in rows]
    width = _width

    widths = [max([width(n), *(width(r[i]) for r in rows)]) for i, n in enumerate(names)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c + " " * (w - width(c)) for c, w in zip(cells, widths, strict=True)
        ).rstrip()

    out = [line(names), line(["-" * w for w in widths])]
    out.extend(line(r) for r in rows)
    out.append(f"({len(rows)} rows)")
    return "\n".join(out) + "\n"


def run_cli_query(store_dir: Path, sparql: str, fmt: str, *, max_width: int | None = None) -> str:
    """Evaluate `sparql` on the built store and format it as table, csv, json or turtle."""
    store = open_read_only(store_dir)
    result = run_query(store, sparql)
    if isinstance(result, ox.QuerySolutions):
        if fmt == "table":
            return format_table(result, max_width)
        if fmt == "turtle":
            raise QueryError("--format turtle needs a CONSTRUCT or DESCRIBE query")
        results_format = ox.QueryResultsFormat.CSV if fmt == "csv" else ox.QueryResultsFormat.JSON
        return (result.serialize(format=results_format) or b"").decode("utf-8")
    if isinstance(result, ox.QueryBoolean):
        return ("true" if bool(result) else "false") + "\n"
    if fmt not in ("turtle", "table"):
        raise QueryError(f"--format {fmt} needs a SELECT or ASK query")
    assert isinstance(result, ox.QueryTriples)
    data = result.serialize(format=ox.RdfFormat.TURTLE) or b""
    return data.decode("utf-8")


_STATS: dict[str, str] = {
    "classes": """SELECT ?name (COUNT(DISTINCT ?s) AS ?n) WHERE {
        ?s a ?class . BIND(STR(?class) AS ?name) } GROUP BY ?name ORDER BY DESC(?n) ?name""",
    "lists": """SELECT ?name (COUNT(?item) AS ?n) WHERE {
        ?list a schema:ItemList ; schema:itemListElement ?item . BIND(STR(?list) AS ?name) }
        GROUP BY ?name ORDER BY ?name""",
    "sections": """SELECT ?name (COUNT(?item) AS ?n) WHERE {
        ?list schema:itemListElement ?item . ?item dlkg:section ?section .
        ?section skos:prefLabel ?label . FILTER(LANG(?label) = "en")
        BIND(CONCAT(STRAFTER(STR(?list), "/list/"), " / ", STR(?label)) AS ?name) }
        GROUP BY ?name ORDER BY ?name""",
}


def dataset_stats(store_dir: Path) -> dict[str, dict[str, int]]:
    """Counts per class, per list and per section of the built store."""
    store = open_read_only(store_dir)
    out: dict[str, dict[str, int]] = {}
    for title, body in _STATS.items():
        result = run_query(store, body)  # prefixes are predefined
        assert isinstance(result, ox.QuerySolutions)
        out[title] = {_term(row["name"]): int(_term(row["n"])) for row in result}
    return out
