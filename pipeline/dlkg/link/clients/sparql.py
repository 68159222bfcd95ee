"""Shared by the SPARQL clients (Wikidata, dblp): GET a query, read JSON result rows."""

from __future__ import annotations

from ..http import Answer
from . import Fetch

ACCEPT = {"Accept": "application/sparql-results+json"}


def select(fetch: Fetch, service: str, query: str) -> tuple[Answer, list[dict[str, str]]]:
    """The answer and its rows as {variable: value}; no rows when the answer is not ok."""
    answer = fetch(service, "", {"query": " ".join(query.split())}, ACCEPT)
    if not answer.ok or answer.status != 200:
        return answer, []
    bindings = (answer.json().get("results") or {}).get("bindings") or []
    rows = [
        {var: str(cell.get("value", "")) for var, cell in row.items() if isinstance(cell, dict)}
        for row in bindings
        if isinstance(row, dict)
    ]
    return answer, rows


def literal(text: str) -> str:
    """A SPARQL string literal (identifiers only, but escaped all the same)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
