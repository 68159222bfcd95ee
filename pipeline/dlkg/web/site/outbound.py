"""A paper's "elsewhere" links: the same paper in other scholarly graphs (docs/web.md)."""

from __future__ import annotations

from urllib.parse import quote


def scholarly_links(title: str, arxiv: str, doi: str) -> list[tuple[str, str]]:
    """(name, URL) lookups of a paper in other scholarly graphs, by identifier when known."""

    def enc(text: str) -> str:
        return quote(text, safe="")

    links = []
    if arxiv:
        links.append(("arXiv", f"https://arxiv.org/abs/{enc(arxiv)}"))
    if doi:
        links.append(("DOI", f"https://doi.org/{quote(doi, safe='/')}"))
    if arxiv:
        wikidata = f"haswbstatement:P818={arxiv}"  # P818: arXiv ID
    elif doi:
        wikidata = f"haswbstatement:P356={doi.upper()}"  # P356: DOI (stored upper-case)
    else:
        wikidata = title
    if wikidata:
        links.append(("Wikidata", f"https://www.wikidata.org/w/index.php?search={enc(wikidata)}"))
    if title:
        links.append(("DBLP", f"https://dblp.org/search?q={enc(title)}"))
    if doi:
        links.append(("OpenAlex", f"https://api.openalex.org/works/doi:{quote(doi, safe='/')}"))
    elif title:
        links.append(("OpenAlex", f"https://api.openalex.org/works?search={enc(title)}"))
    if arxiv:
        links.append(("Semantic Scholar", f"https://www.semanticscholar.org/arxiv/{enc(arxiv)}"))
    elif doi:
        links.append(
            (
                "Semantic Scholar",
                f"https://api.semanticscholar.org/graph/v1/paper/DOI:{quote(doi, safe='/')}"
                "?fields=title,url,externalIds",
            )
        )
    elif title:
        links.append(("Semantic Scholar", f"https://www.semanticscholar.org/search?q={enc(title)}"))
    return links
