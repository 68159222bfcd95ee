"""OpenAlex (https://developers.openalex.org): single works by DOI, `/works/doi:<doi>`.

Singleton lookups are the free tier; an API key (OPENALEX_API_KEY, required since February
2026) goes in the `api_key` parameter, which is left out of cache keys and stored URLs. Both
the arXiv DOI and the publisher DOI are asked: OpenAlex often merges a preprint and its
published version into one work, and then both answers name the same work.
"""

from __future__ import annotations

from typing import Any

from ..ids import arxiv_doi
from ..model import Author, Hit, PaperQuery
from . import Fetch


def _author(authorship: dict[str, Any]) -> Author:
    person = authorship.get("author") or {}
    ids = {}
    if person.get("id"):
        ids["openalex"] = str(person["id"])
    if person.get("orcid"):
        ids["orcid"] = str(person["orcid"]).rsplit("/", 1)[-1]
    return Author(str(person.get("display_name") or authorship.get("raw_author_name") or ""), ids)


def lookup(fetch: Fetch, papers: list[PaperQuery], api_key: str | None = None) -> list[Hit]:
    hits = []
    for paper in papers:
        dois = [(arxiv_doi(paper.arxiv_id), "arXiv DOI")] if paper.arxiv_id else []
        if paper.doi:
            dois.append((paper.doi, "DOI"))
        for doi, found_by in dois:
            params = {"api_key": api_key} if api_key else None
            answer = fetch("openalex", f"/works/doi:{doi}", params, None)
            if not answer.ok or answer.status != 200:
                continue
            work = answer.json()
            if not work.get("id"):
                continue
            ids = {
                k: str(v) for k, v in (work.get("ids") or {}).items() if isinstance(v, str | int)
            }
            hits.append(
                Hit(
                    service="openalex",
                    paper_key=paper.key,
                    target=str(work["id"]),
                    found_by=found_by,
                    answer=answer,
                    title=work.get("title") or work.get("display_name"),
                    year=work.get("publication_year"),
                    authors=[_author(a) for a in work.get("authorships") or []],
                    citations=work.get("cited_by_count"),
                    ids=ids,
                )
            )
    return hits
