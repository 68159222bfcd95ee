"""What `dlkg link` asks about (a PaperQuery) and what the services answer (a Hit)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Resolution
from .http import Answer
from .ids import is_arxiv_doi


@dataclass(frozen=True)
class PaperQuery:
    """The facts of one paper of the lists that a hit is checked against."""

    key: str
    title: str
    year: int | None
    arxiv_id: str | None
    doi: str | None  # the publisher DOI (version of record) the lists give, lower-case
    authors: tuple[str, ...]  # display names, in byline order
    person_keys: tuple[str, ...]  # the same order
    authors_complete: bool = True


@dataclass(frozen=True)
class Author:
    name: str
    ids: dict[str, str] = field(default_factory=dict)  # "orcid", "wikidata", "dblp", ...


@dataclass
class Hit:
    """One record a service returned for a paper, as found, before it is checked."""

    service: str
    paper_key: str
    target: str  # the record's IRI in its own graph
    found_by: str  # "arXiv id", "arXiv DOI", "DOI"
    answer: Answer
    title: str | None = None
    year: int | None = None
    authors: list[Author] = field(default_factory=list)
    citations: int | None = None
    ids: dict[str, str] = field(default_factory=dict)  # other identifiers the record states
    abstract: str | None = None
    categories: list[str] = field(default_factory=list)


def paper_queries(resolution: Resolution) -> list[PaperQuery]:
    """Every resolved paper with an identifier or an English title, in key order."""
    queries = []
    for key in sorted(resolution.papers):
        paper = resolution.papers[key]
        if not paper.title_en:
            continue
        doi = paper.doi if paper.doi and not is_arxiv_doi(paper.doi) else None
        names = tuple(resolution.persons[a.person_key].name for a in paper.authorships)
        queries.append(
            PaperQuery(
                key=key,
                title=paper.title_en,
                year=paper.year,
                arxiv_id=paper.arxiv_id,
                doi=doi,
                authors=names,
                person_keys=tuple(a.person_key for a in paper.authorships),
                authors_complete=paper.authors_complete,
            )
        )
    return queries


__all__ = ["Author", "Hit", "PaperQuery", "paper_queries"]
