"""Wikidata: articles on the scholarly query service, their authors on the main one.

Since the May 2025 graph split, scholarly articles are only on query-scholarly.wikidata.org
and people only on query.wikidata.org. So: items by arXiv id (P818) or DOI (P356, which
Wikidata stores upper-case), 50 per query, with title (P1476), date (P577), dblp (P8978),
OpenAlex (P10283), Semantic Scholar paper (P4011) and corpus (P8299) ids, and authors (P50,
or P2093 name strings) with their ordinals (P1545); then the authors' labels, ORCID (P496)
and dblp author id (P2456) from the main graph, 50 per query.
"""

from __future__ import annotations

from collections import defaultdict

from ..model import Author, Hit, PaperQuery
from . import Fetch, batches, year_of
from .sparql import literal, select

ENTITY = "http://www.wikidata.org/entity/"
BATCH = 50
_PREFIXES = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX p: <http://www.wikidata.org/prop/> PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>"""
_ARTICLES = """%s
SELECT ?item ?id ?title ?date ?dblp ?openalex ?s2 ?s2corpus ?author ?name ?ordinal WHERE {
  VALUES ?id { %s } ?item wdt:%s ?id .
  OPTIONAL { ?item wdt:P1476 ?title } OPTIONAL { ?item wdt:P577 ?date }
  OPTIONAL { ?item wdt:P8978 ?dblp } OPTIONAL { ?item wdt:P10283 ?openalex }
  OPTIONAL { ?item wdt:P4011 ?s2 } OPTIONAL { ?item wdt:P8299 ?s2corpus }
  OPTIONAL { { ?item p:P50 ?st . ?st ps:P50 ?author . OPTIONAL { ?st pq:P1545 ?ordinal } }
    UNION { ?item p:P2093 ?st . ?st ps:P2093 ?name . OPTIONAL { ?st pq:P1545 ?ordinal } } }
}"""
_PEOPLE = """%s
SELECT ?author ?label ?orcid ?dblp WHERE {
  VALUES ?author { %s }
  OPTIONAL { ?author rdfs:label ?label FILTER (LANG(?label) = "en") }
  OPTIONAL { ?author wdt:P496 ?orcid } OPTIONAL { ?author wdt:P2456 ?dblp }
}"""


def _ordinal(text: str | None) -> int:
    return int(text) if text and text.isdigit() else 10_000


def _people(fetch: Fetch, qids: list[str]) -> dict[str, dict[str, str]]:
    """QID IRI -> {"label", "orcid", "dblp"} from the main graph."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for batch in batches(sorted(qids), BATCH):
        values = " ".join(f"wd:{q.removeprefix(ENTITY)}" for q in batch)
        _answer, rows = select(fetch, "wikidata-main", _PEOPLE % (_PREFIXES, values))
        for row in rows:
            person = found[row["author"]]
            for var in ("label", "orcid", "dblp"):
                if row.get(var):
                    person.setdefault(var, row[var])
    return found


def lookup(fetch: Fetch, papers: list[PaperQuery]) -> list[Hit]:
    keyed = [(p.arxiv_id, "P818", "arXiv id", p) for p in papers if p.arxiv_id]
    keyed += [(p.doi.upper(), "P356", "DOI", p) for p in papers if p.doi and not p.arxiv_id]
    hits: list[Hit] = []
    rows_of: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    answers = {}
    for prop in ("P818", "P356"):
        wanted = [(ident, found_by, p) for ident, pr, found_by, p in keyed if pr == prop]
        for batch in batches(wanted, BATCH):
            values = " ".join(literal(ident) for ident, _f, _p in batch)
            answer, rows = select(fetch, "wikidata", _ARTICLES % (_PREFIXES, values, prop))
            by_ident = {ident: p for ident, _f, p in batch}
            for row in rows:
                paper = by_ident.get(row.get("id", ""))
                if paper is not None:
                    rows_of[(paper.key, row["item"])].append(row)
                    answers[(paper.key, row["item"])] = (
                        answer,
                        dict((i, f) for i, f, _p in batch)[row["id"]],
                    )
    people = _people(
        fetch, sorted({r["author"] for rs in rows_of.values() for r in rs if r.get("author")})
    )
    for (paper_key, item), rows in sorted(rows_of.items()):
        answer, found_by = answers[(paper_key, item)]
        first = rows[0]
        slots: dict[tuple[int, str], Author] = {}
        for row in rows:
            if row.get("author"):
                info = people.get(row["author"], {})
                ids = {"wikidata": row["author"]}
                ids.update({k: info[k] for k in ("orcid", "dblp") if k in info})
                slots[(_ordinal(row.get("ordinal")), row["author"])] = Author(
                    info.get("label", ""), ids
                )
            elif row.get("name"):
                slots[(_ordinal(row.get("ordinal")), row["name"])] = Author(row["name"])
        ids = {k: first[k] for k in ("dblp", "openalex", "s2", "s2corpus") if first.get(k)}
        hits.append(
            Hit(
                service="wikidata",
                paper_key=paper_key,
                target=item,
                found_by=found_by,
                answer=answer,
                title=first.get("title"),
                year=year_of(first.get("date")),
                authors=[slots[k] for k in sorted(slots)],
                ids=ids,
            )
        )
    return hits
