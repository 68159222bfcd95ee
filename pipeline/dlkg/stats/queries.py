"""Run the statistics queries of `queries/stats/` and return their results as plain tables.

The same code serves the command line (a read-only pyoxigraph store) and the web server (whose
QueryRunner returns SPARQL JSON results): both are reduced to a `Select` callable that maps a
query to rows of Python values (integers and booleans typed, everything else a string).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import resources
from ..errors import QueryError

Value = str | int | bool | None
Row = dict[str, Value]
Select = Callable[[str], tuple[list[str], list[Row]]]

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = frozenset(
    XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")
)

# Which query files make up each topic of `dlkg stats TOPIC`, in the order they are shown.
TOPICS: dict[str, tuple[str, ...]] = {
    "authors": (
        "authors-top100",
        "authors-roadmap",
        "authors-all",
        "coauthor-pairs",
        "coauthors",
    ),
    "papers": ("papers-per-year", "papers-per-year-section", "section-sizes"),
    "lists": ("list-overlap", "section-overlap", "roadmap-stars"),
    "coverage": ("translation-coverage",),
}


@dataclass(frozen=True)
class Table:
    """One query's result: `name` is the file stem, `title` its `#+ summary:` line (`title_zh`
    the `#+ summary_zh:` one)."""

    name: str
    title: str
    columns: list[str]
    rows: list[Row]
    title_zh: str = ""

    def column(self, name: str) -> list[Value]:
        return [row.get(name) for row in self.rows]


@dataclass(frozen=True)
class StatsQuery:
    name: str
    title: str
    title_zh: str
    description: str
    text: str


def stats_queries_dir() -> Path:
    return resources.queries_dir() / "stats"


def load_query(name: str, directory: Path | None = None) -> StatsQuery:
    """Read `queries/stats/{name}.rq` with its `#+ summary:` and `#+ description:` headers."""
    path = (directory or stats_queries_dir()) / f"{name}.rq"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise QueryError(f"{path}: cannot read the statistics query ({error.strerror})") from None
    headers: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#+ ") and ":" in line:
            key, _, value = line[3:].partition(":")
            headers[key.strip()] = value.strip()
    title = headers.get("summary", name)
    return StatsQuery(
        name, title, headers.get("summary_zh", title), headers.get("description", ""), text
    )


def _literal_value(text: str, datatype: str | None) -> Value:
    if datatype in _INTEGERS:
        return int(text)
    if datatype == XSD + "boolean":
        return text in ("true", "1")
    return text


def store_select(store: ox.Store) -> Select:
    """A `Select` over a pyoxigraph store (the command line)."""
    from ..store import run_query

    def select(sparql: str) -> tuple[list[str], list[Row]]:
        result = run_query(store, sparql)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("a statistics query must be a SELECT query")
        names = [v.value for v in result.variables]
        rows: list[Row] = []
        for solution in result:
            row: Row = {}
            for name in names:
                term = solution[name]
                if isinstance(term, ox.Literal):
                    row[name] = _literal_value(term.value, term.datatype.value)
                elif term is not None:
                    row[name] = term.value
                else:
                    row[name] = None
            rows.append(row)
        return names, rows

    return select


def json_select(run: Callable[[str], Mapping[str, object]]) -> Select:
    """A `Select` over a function returning SPARQL JSON results (the web's QueryRunner.select)."""

    def select(sparql: str) -> tuple[list[str], list[Row]]:
        result = run(sparql)
        head = result.get("head")
        body = result.get("results")
        if not isinstance(head, dict) or not isinstance(body, dict):
            raise QueryError("a statistics query must be a SELECT query")
        names = [str(n) for n in head.get("vars", [])]
        rows: list[Row] = []
        for binding in body.get("bindings", []):
            row: Row = {}
            for name in names:
                term = binding.get(name)
                if term is None:
                    row[name] = None
                elif term.get("type") in ("literal", "typed-literal"):
                    row[name] = _literal_value(term["value"], term.get("datatype"))
                else:
                    row[name] = term["value"]
            rows.append(row)
        return names, rows

    return select


def run_stats_query(select: Select, name: str, directory: Path | None = None) -> Table:
    query = load_query(name, directory)
    try:
        columns, rows = select(query.text)
    except QueryError as error:
        raise QueryError(f"queries/stats/{name}.rq: {error}") from None
    return Table(name, query.title, columns, rows, query.title_zh)


def run_topic(select: Select, topic: str) -> list[Table]:
    if topic not in TOPICS:
        raise QueryError(f"unknown statistics topic {topic!r} (one of {', '.join(TOPICS)})")
    return [run_stats_query(select, name) for name in TOPICS[topic]]


def run_all(select: Select) -> dict[str, Table]:
    """Every statistics query, by name."""
    return {t.name: t for topic in TOPICS for t in run_topic(select, topic)}
