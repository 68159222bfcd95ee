"""Crossref's REST API (https://api.crossref.org): one work per DOI, in the polite pool.

`mailto` (from DLKG_LINK_CONTACT) puts the requests in the polite pool; it is also in the
User-Agent, and never in the cache key. A 404 means Crossref has no such DOI (e.g. DataCite
DOIs such as arXiv's are not Crossref's).
"""

from __future__ import annotations

from urllib.parse import quote

from ..ids import doi_iri
from ..model import Author, Hit, PaperQuery
from . import Fetch


def _year(message: dict[str, object]) -> int | None:
    for field in ("published-print", "published-online", "issued", "published"):
        parts = message.get(field)
        if isinstance(parts, dict):
            date = parts.get("date-parts")
            if isinstance(date, list) and date and isinstance(date[0], list) and date[0]:
                first = date[0][0]
                if isinstance(first, int):
                    return first
    return None


def _author(item: dict[str, str]) -> Author:
    name = " ".join(x for x in (item.get("given"), item.get("family")) if x) or item.get("name", "")
    ids = {}
    if item.get("ORCID"):
        ids["orcid"] = item["ORCID"].rsplit("/", 1)[-1]
    return Author(name, ids)


def lookup(fetch: Fetch, papers: list[PaperQuery], contact: str | None = None) -> list[Hit]:
    hits = []
    for paper in papers:
        if not paper.doi:
            continue
        params = {"mailto": contact} if contact else None
        answer = fetch("crossref", f"/works/{quote(paper.doi, safe='/')}", params, None)
        if not answer.ok or answer.status != 200:
            continue
        message = answer.json().get("message")
        if not isinstance(message, dict):
            continue
        titles = message.get("title") or []
        hits.append(
            Hit(
                service="crossref",
                paper_key=paper.key,
                target=doi_iri(str(message.get("DOI", paper.doi)).lower()),
                found_by="DOI",
                answer=answer,
                title=titles[0] if titles else None,
                year=_year(message),
                authors=[_author(a) for a in message.get("author") or [] if isinstance(a, dict)],
                citations=message.get("is-referenced-by-count"),
                ids={"doi": str(message.get("DOI", paper.doi)).lower()},
            )
        )
    return hits
