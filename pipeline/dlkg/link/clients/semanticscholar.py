"""Semantic Scholar's Academic Graph API (https://api.semanticscholar.org/api-docs/graph).

`/paper/ARXIV:<id>` or `/paper/DOI:<doi>` with only the fields used; one request per second
(the introductory rate of a key; without a key the shared pool is slower still, and 429s are
retried after their Retry-After). The key (S2_API_KEY) goes in the `x-api-key` header, which
is not part of the cache key.
"""

from __future__ import annotations

from ..model import Author, Hit, PaperQuery
from . import Fetch

FIELDS = "title,year,authors,externalIds,citationCount,url"


def lookup(fetch: Fetch, papers: list[PaperQuery], api_key: str | None = None) -> list[Hit]:
    hits = []
    headers = {"x-api-key": api_key} if api_key else None
    for paper in papers:
        if paper.arxiv_id:
            ref, found_by = f"ARXIV:{paper.arxiv_id}", "arXiv id"
        elif paper.doi:
            ref, found_by = f"DOI:{paper.doi}", "DOI"
        else:
            continue
        answer = fetch("semanticscholar", f"/paper/{ref}", {"fields": FIELDS}, headers)
        if not answer.ok or answer.status != 200:
            continue
        record = answer.json()
        if not record.get("paperId"):
            continue
        external = {k: str(v) for k, v in (record.get("externalIds") or {}).items() if v}
        hits.append(
            Hit(
                service="semanticscholar",
                paper_key=paper.key,
                target=f"https://www.semanticscholar.org/paper/{record['paperId']}",
                found_by=found_by,
                answer=answer,
                title=record.get("title"),
                year=record.get("year"),
                authors=[
                    Author(
                        str(a.get("name") or ""),
                        {"s2": str(a["authorId"])} if a.get("authorId") else {},
                    )
                    for a in record.get("authors") or []
                ],
                citations=record.get("citationCount"),
                ids=external,
            )
        )
    return hits
