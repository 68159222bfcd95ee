"""What the web pages need from the links (to be wired in by the web server; see the report).

- `exact_links(store, iri)`: a paper's or person's identities (schema:sameAs, with the role of
  each DOI), checked mappings from graph/links (skos:exactMatch / owl:sameAs, with service and
  confidence) and lookup links (dlkg:lookup), for the "exact links" box of a page that today
  shows search buttons.
- `load_link_report(dumps_dir)`: the link report of the current build for the `/report` page,
  or None when `dlkg link` has not run.
- `federated_endpoints(query_text)`: the endpoints a gallery query needs allow-listed (its
  `#+ federated:` header), so the gallery can say so instead of failing on Run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .stored import REPORT_JSON

_QUERY = """PREFIX schema: <http://schema.org/>
PREFIX dlkg: <https://w3id.org/dlkg/ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX sssom: <https://w3id.org/sssom/>
SELECT ?kind ?target ?role ?source ?confidence WHERE {
  { $node schema:sameAs ?target . BIND ("identity" AS ?kind)
    OPTIONAL { $node dlkg:preprintDoi ?d
      FILTER (LCASE(STR(?target)) = LCASE(CONCAT("https://doi.org/", ?d)))
      BIND ("preprint" AS ?role) }
    OPTIONAL { $node dlkg:versionOfRecordDoi ?v
      FILTER (LCASE(STR(?target)) = LCASE(CONCAT("https://doi.org/", ?v)))
      BIND ("version of record" AS ?role) } }
  UNION
  { ?m owl:annotatedSource $node ; owl:annotatedTarget ?target .
    OPTIONAL { ?m sssom:confidence ?confidence } OPTIONAL { ?m sssom:object_source ?source }
    BIND ("mapping" AS ?kind) }
  UNION
  { $node dlkg:lookup ?target . BIND ("lookup" AS ?kind) }
}"""
_ORDER = {"identity": 0, "mapping": 1, "lookup": 2}


@dataclass(frozen=True)
class ExactLink:
    kind: str  # "identity", "mapping" (checked, graph/links) or "lookup" (by construction)
    url: str
    role: str = ""  # "preprint" / "version of record" for DOIs
    source: str = ""  # the service a mapping comes from
    confidence: float | None = None


def exact_links(store: ox.Store, iri: str) -> list[ExactLink]:
    """Every exact link of the node `iri`, identities first, then mappings, then lookups."""
    query = _QUERY.replace("$node", f"<{iri}>")
    found: dict[tuple[str, str], ExactLink] = {}
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    for row in result:
        kind, target = str(row["kind"].value), str(row["target"].value)
        link = ExactLink(
            kind,
            target,
            role=row["role"].value if row["role"] is not None else "",
            source=row["source"].value if row["source"] is not None else "",
            confidence=float(row["confidence"].value) if row["confidence"] is not None else None,
        )
        if link.role or (kind, target) not in found:  # a DOI's row with its role wins
            found[(kind, target)] = link
    return sorted(found.values(), key=lambda link: (_ORDER[link.kind], link.url))


def load_link_report(dumps_dir: Path) -> dict[str, Any] | None:
    """The link report among the current downloads, or None before any `dlkg link`."""
    try:
        report = json.loads((dumps_dir / REPORT_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return report if isinstance(report, dict) else None


_FEDERATED = re.compile(r"^#\+\s*federated:\s*(.+)$", re.MULTILINE)


def federated_endpoints(query_text: str) -> list[str]:
    """The SERVICE endpoints a gallery query declares in its `#+ federated:` header."""
    return [iri for line in _FEDERATED.findall(query_text) for iri in line.split()]


__all__ = ["ExactLink", "exact_links", "federated_endpoints", "load_link_report"]
