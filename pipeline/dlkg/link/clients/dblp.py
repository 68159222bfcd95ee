"""dblp's SPARQL endpoint (https://sparql.dblp.org/sparql): publications by DOI.

dblp keeps a preprint (CoRR) and its published version as two records, and stores DOIs as
https://doi.org/ IRIs in the publisher's spelling; arXiv DOIs as DataCite registers them,
upper-case (10.48550/ARXIV.<id>). IRIs compare case-sensitively in SPARQL, so each DOI is
asked in its lower-case, upper-case and arXiv-printed forms. Authors come from the
publication's signatures (ordinal, name as printed, person, ORCID when dblp has one).
"""

from __future__ import annotations

from collections import defaultdict

from ..ids import arxiv_doi
from ..model import Author, Hit, PaperQuery
from . import Fetch, batches, year_of
from .sparql import select

BATCH = 25
_QUERY = """PREFIX dblp: <https://dblp.org/rdf/schema#>
SELECT ?publ ?doi ?title ?year ?ordinal ?name ?person ?orcid WHERE {
  VALUES ?doi { %s }
  ?publ dblp:doi ?doi .
  OPTIONAL { ?publ dblp:title ?title } OPTIONAL { ?publ dblp:yearOfPublication ?year }
  OPTIONAL { ?publ dblp:hasSignature ?sig . ?sig dblp:signatureOrdinal ?ordinal .
    OPTIONAL { ?sig dblp:signatureDblpName ?name } OPTIONAL { ?sig dblp:signatureCreator ?person }
    OPTIONAL { ?sig dblp:signatureOrcid ?orcid } }
}"""


def _spellings(doi: str) -> list[str]:
    # sorted: the query text (and so its cache key) must not depend on set order
    return sorted({doi, doi.lower(), doi.upper()})


def lookup(fetch: Fetch, papers: list[PaperQuery]) -> list[Hit]:
    wanted: list[tuple[str, str, PaperQuery]] = []  # (DOI IRI, found_by, paper)
    for paper in papers:
        if paper.arxiv_id:
            for doi in _spellings(arxiv_doi(paper.arxiv_id)):
                wanted.append((f"https://doi.org/{doi}", "arXiv DOI", paper))
        if paper.doi:
            for doi in _spellings(paper.doi):
                wanted.append((f"https://doi.org/{doi}", "DOI", paper))
    hits: list[Hit] = []
    for batch in batches(wanted, BATCH):
        values = " ".join(f"<{iri}>" for iri, _f, _p in batch)
        answer, rows = select(fetch, "dblp", _QUERY % values)
        by_iri = {iri: (found_by, paper) for iri, found_by, paper in batch}
        grouped: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
        for row in rows:
            if row.get("doi") in by_iri:
                grouped[(row["publ"], row["doi"])].append(row)
        for (publ, doi), group in sorted(grouped.items()):
            found_by, paper = by_iri[doi]
            signatures: dict[int, Author] = {}
            for row in group:
                if row.get("ordinal", "").isdigit() and row.get("name"):
                    ids = {"dblp": row["person"]} if row.get("person") else {}
                    if row.get("orcid"):
                        ids["orcid"] = row["orcid"].rsplit("/", 1)[-1]
                    signatures[int(row["ordinal"])] = Author(row["name"], ids)
            hits.append(
                Hit(
                    service="dblp",
                    paper_key=paper.key,
                    target=publ,
                    found_by=found_by,
                    answer=answer,
                    title=group[0].get("title"),
                    year=year_of(group[0].get("year")),
                    authors=[signatures[k] for k in sorted(signatures)],
                    ids={"doi": doi.removeprefix("https://doi.org/")},
                )
            )
    return hits
