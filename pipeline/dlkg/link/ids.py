"""Identifiers derived and checked offline: arXiv DOIs, lookup links, syntax checks.

Nothing here touches the network. Every build uses these (emit and the build report), and
`dlkg link` uses them to form its requests.
"""

from __future__ import annotations

import re
from urllib.parse import quote

# arXiv registers a DataCite DOI for every paper: 10.48550/arXiv.<id>, old-style ids keeping
# their slash (https://info.arxiv.org/help/doi.html). DOIs are case-insensitive; this is the
# spelling arXiv itself prints.
ARXIV_DOI_PREFIX = "10.48550/arXiv."

_NEW_ARXIV = re.compile(r"(\d{2})(\d{2})\.(\d{4,5})")
_OLD_ARXIV = re.compile(r"[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/(\d{2})(\d{2})\d{3}")
# Crossref's advice: "10." + a 4-9 digit registrant code + "/" + a suffix without whitespace.
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_ORCID = re.compile(r"(\d{4})-(\d{4})-(\d{4})-(\d{3}[\dX])")


def arxiv_id_ok(arxiv_id: str) -> bool:
    """The shape of an arXiv identifier without version: `YYMM.NNNN(N)` (five digits from
    1501 on) or an old-style `archive(.SC)/YYMMNNN`, with a month 01-12.

    >>> arxiv_id_ok("1503.02531"), arxiv_id_ok("hep-th/9901001"), arxiv_id_ok("1513.0001")
    (True, True, False)
    """
    new = _NEW_ARXIV.fullmatch(arxiv_id)
    if new:
        yy, mm, number = new.groups()
        digits = 5 if (int(yy), int(mm)) >= (15, 1) else 4
        return 1 <= int(mm) <= 12 and len(number) == digits and (int(yy), int(mm)) >= (7, 4)
    old = _OLD_ARXIV.fullmatch(arxiv_id)
    return old is not None and 1 <= int(old.group(2)) <= 12


def doi_ok(doi: str) -> bool:
    """The shape of a DOI (not a URL): `10.<registrant>/<suffix>`.

    >>> doi_ok("10.1038/nature14539"), doi_ok("https://doi.org/10.1038/x"), doi_ok("10.12/x")
    (True, False, False)
    """
    return bool(_DOI.fullmatch(doi))


def orcid_ok(orcid: str) -> bool:
    """An ORCID iD (`0000-0002-1825-0097`, or its https://orcid.org/ form) whose check
    character is right under ISO 7064 MOD 11-2.

    >>> orcid_ok("0000-0002-1825-0097"), orcid_ok("0000-0002-1825-0098")
    (True, False)
    """
    found = _ORCID.fullmatch(orcid.removeprefix("https://orcid.org/"))
    if not found:
        return False
    digits = "".join(found.groups())
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


def arxiv_doi(arxiv_id: str) -> str:
    """The DataCite DOI arXiv registered for a paper.

    >>> arxiv_doi("1503.02531"), arxiv_doi("cs/0112017")
    ('10.48550/arXiv.1503.02531', '10.48550/arXiv.cs/0112017')
    """
    return f"{ARXIV_DOI_PREFIX}{arxiv_id}"


def is_arxiv_doi(doi: str) -> bool:
    return doi.lower().startswith(ARXIV_DOI_PREFIX.lower())


def doi_iri(doi: str) -> str:
    """The https://doi.org/ IRI of a DOI, its suffix escaped only where an IRI needs it."""
    return "https://doi.org/" + quote(doi, safe="/:;()._-~")


def lookup_urls(arxiv_id: str | None, doi: str | None) -> list[tuple[str, str]]:
    """(service, URL) pairs that find the paper's record elsewhere by construction from an
    identifier. They are lookups, not identities: the record they return is not asserted to
    be this paper until `dlkg link` has checked it."""
    urls: list[tuple[str, str]] = []
    if arxiv_id:
        urls.append(
            ("semanticscholar", f"https://api.semanticscholar.org/graph/v1/paper/ARXIV:{arxiv_id}")
        )
        urls.append(("scholia", f"https://scholia.toolforge.org/arxiv/{arxiv_id}"))
        urls.append(("openalex", f"https://api.openalex.org/works/doi:{arxiv_doi(arxiv_id)}"))
    if doi and not is_arxiv_doi(doi):
        urls.append(("openalex", f"https://api.openalex.org/works/doi:{doi}"))
        urls.append(("crossref", f"https://api.crossref.org/works/{quote(doi, safe='/')}"))
        urls.append(
            ("semanticscholar", f"https://api.semanticscholar.org/graph/v1/paper/DOI:{doi}")
        )
    return urls


__all__ = [
    "ARXIV_DOI_PREFIX",
    "arxiv_doi",
    "arxiv_id_ok",
    "doi_iri",
    "doi_ok",
    "is_arxiv_doi",
    "lookup_urls",
    "orcid_ok",
]
