"""The arXiv API (https://info.arxiv.org/help/api/user-manual.html): Atom feeds by id_list.

Up to 20 ids per request (one request every three seconds, the API's terms of use); each
entry gives title, authors, dates, abstract, categories and, when the authors added them,
the journal reference and the DOI of the published version.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..model import Author, Hit, PaperQuery
from . import Fetch, batches, year_of

BATCH = 20
_NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
}
_ABS = re.compile(r"arxiv\.org/abs/(.+?)(?:v\d+)?$")


def _text(node: ET.Element, path: str) -> str | None:
    found = node.find(path, _NS)
    return " ".join(found.text.split()) if found is not None and found.text else None


def lookup(fetch: Fetch, papers: list[PaperQuery]) -> list[Hit]:
    by_id = {p.arxiv_id: p for p in papers if p.arxiv_id}
    hits: list[Hit] = []
    for ids in batches(sorted(by_id), BATCH):
        params = {"id_list": ",".join(ids), "max_results": str(len(ids))}
        answer = fetch("arxiv", "", params, None)
        if not answer.ok or answer.status != 200:
            continue
        root = ET.fromstring(answer.body)  # noqa: S314 - validated Atom, no DTDs
        for entry in root.findall("atom:entry", _NS):
            found = _ABS.search(_text(entry, "atom:id") or "")
            paper = by_id.get(found.group(1)) if found else None
            if paper is None:
                continue  # an error entry, or an id we did not ask for
            ids_found = {"arxiv": found.group(1)} if found else {}
            doi = _text(entry, "arxiv:doi")
            if doi:
                ids_found["doi"] = doi.lower()
            journal = _text(entry, "arxiv:journal_ref")
            if journal:
                ids_found["journal_ref"] = journal
            hits.append(
                Hit(
                    service="arxiv",
                    paper_key=paper.key,
                    target=f"https://arxiv.org/abs/{paper.arxiv_id}",
                    found_by="arXiv id",
                    answer=answer,
                    title=_text(entry, "atom:title"),
                    year=year_of(_text(entry, "atom:published")),
                    authors=[
                        Author(_text(a, "atom:name") or "")
                        for a in entry.findall("atom:author", _NS)
                    ],
                    ids=ids_found,
                    abstract=_text(entry, "atom:summary"),
                    categories=[
                        c.get("term", "")
                        for c in entry.findall("atom:category", _NS)
                        if c.get("term")
                    ],
                )
            )
    return hits
