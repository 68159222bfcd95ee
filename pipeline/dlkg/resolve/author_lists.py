"""How one record's author list compares with other sources' lists of the same paper.

One place for the conditions that both resolution (`resolve.author-list-contradicted`, which
decides whether a list is taken as complete) and the cross-source checks (`cross.authors-shorter`,
`cross.complete-but-et-al-elsewhere`, `cross.et-al-needless`) test, so one defect of a record
is reported by one warning: the more specific cross-source code where one applies, the resolve
code only for the contradictions no cross-source code names.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

from ..records import Provenance

# How many authors a list writes in full before "et al." (its own convention): the awesome
# list and its translation name two ("A and B"), the roadmap up to three.
AUTHORS_IN_FULL = {"awesome": 2, "zh-awesome": 2, "roadmap": 3}


class AuthorList(Protocol):
    """A record with an author list: a list entry, a BibTeX entry or a resolver mention."""

    @property
    def prov(self) -> Provenance: ...

    @property
    def authors(self) -> tuple[str, ...]: ...

    @property
    def authors_complete(self) -> bool: ...


R = TypeVar("R", bound=AuthorList)


def other_sources(record: AuthorList, records: Iterable[R]) -> list[R]:
    """The records of other sources that name authors (a list is not checked against itself
    or against another entry of its own source)."""
    return [r for r in records if r.authors and r.prov.source_id != record.prov.source_id]


def longer_lists(record: AuthorList, others: Iterable[R]) -> list[R]:
    """Lists naming more authors than `record` (`cross.authors-shorter` where it is complete)."""
    return [r for r in others if len(r.authors) > len(record.authors)]


def et_al_saying_more(record: AuthorList, others: Iterable[R]) -> list[R]:
    """ "et al." lists naming at least as many authors as `record` and more than their own list
    writes in full, so they say more authors exist (`cross.complete-but-et-al-elsewhere`)."""
    return [
        r
        for r in others
        if not r.authors_complete
        and len(r.authors) >= len(record.authors)
        and len(r.authors) > AUTHORS_IN_FULL.get(getattr(r, "list_id", None) or "", 0)
    ]


def reported_across_sources(record: AuthorList, records: Iterable[AuthorList]) -> bool:
    """Whether a cross-source code names the defect of `record`'s complete list."""
    others = other_sources(record, records)
    return bool(longer_lists(record, others) or et_al_saying_more(record, others))
