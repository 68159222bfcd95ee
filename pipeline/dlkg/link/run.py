"""`dlkg link`: ask every service about every paper, check each hit, decide the mappings.

Services are asked in a fixed order so that what one confirms feeds the next: the arXiv API
first (a paper's own arXiv record may name the DOI of its published version), then Crossref,
OpenAlex and Semantic Scholar by DOI / arXiv id, then Wikidata and dblp. A hit only feeds
later services, or becomes a mapping, once `match.judge` has accepted it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .clients import Fetch, arxiv, crossref, dblp, openalex, semanticscholar, wikidata
from .config import SERVICES, LinkConfig
from .http import Answer, LinkSession
from .ids import doi_ok, is_arxiv_doi, orcid_ok
from .match import Verdict, judge, person_matches
from .model import Hit, PaperQuery

OnAnswer = Callable[[Answer], None]


@dataclass(frozen=True)
class Decision:
    hit: Hit
    verdict: Verdict


@dataclass(frozen=True)
class Finding:
    """A disagreement between a service and the lists (never applied to the lists' facts)."""

    paper_key: str
    service: str
    field: str
    lists_say: str
    service_says: str
    source: str  # the record (IRI) that says it


@dataclass
class LinkResult:
    decisions: list[Decision] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    failures: list[Answer] = field(default_factory=list)
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    # publisher DOIs that only an accepted arXiv record names (the lists give none)
    published_dois: dict[str, str] = field(default_factory=dict)


def _findings(paper: PaperQuery, d: Decision) -> Iterable[Finding]:
    hit = d.hit
    if "title" not in d.verdict.agreed:
        return  # another work: its facts say nothing about this paper
    if paper.year is not None and hit.year is not None and hit.year != paper.year:
        yield Finding(paper.key, hit.service, "year", str(paper.year), str(hit.year), hit.target)
    if d.verdict.authors_score is not None and d.verdict.authors_score < 1 and paper.authors:
        theirs = "; ".join(a.name for a in hit.authors[:12])
        yield Finding(
            paper.key, hit.service, "authors", "; ".join(paper.authors), theirs, hit.target
        )
    doi = hit.ids.get("doi")
    if hit.service == "arxiv" and doi and paper.doi and doi != paper.doi:
        yield Finding(paper.key, hit.service, "doi", paper.doi, doi, hit.target)
    for author in hit.authors:
        orcid = author.ids.get("orcid")
        if orcid and not orcid_ok(orcid):
            yield Finding(paper.key, hit.service, "orcid", author.name, orcid, hit.target)


def _dblp_name(hits: list[Hit]) -> list[Hit]:
    """dblp tells namesakes apart with a number ("Kaiming He 0001"): not part of the name."""
    for hit in hits:
        for i, author in enumerate(hit.authors):
            words = author.name.split()
            if len(words) > 1 and words[-1].isdigit():
                hit.authors[i] = replace(author, name=" ".join(words[:-1]))
    return hits


def run_link(
    papers: list[PaperQuery],
    config: LinkConfig,
    cache_path: Path,
    *,
    offline: bool = False,
    services: Iterable[str] = SERVICES,
    on_answer: OnAnswer | None = None,
) -> LinkResult:
    chosen = [s for s in SERVICES if s in set(services)]
    result = LinkResult(counts={s: Counter() for s in chosen})
    session = LinkSession(config, cache_path, offline=offline)

    def fetch(
        service: str, path: str, params: dict[str, str] | None, headers: dict[str, str] | None
    ) -> Answer:
        answer = session.get(config.service(service), path, params, headers)
        counter = result.counts.setdefault(service.removesuffix("-main"), Counter())
        counter["asked"] += 1
        counter["cached" if answer.from_cache else ("failed" if not answer.ok else "fetched")] += 1
        if not answer.ok:
            result.failures.append(answer)
        if on_answer is not None:
            on_answer(answer)
        return answer

    by_key = {p.key: p for p in papers}
    current = list(papers)
    try:
        for service in chosen:
            hits = _lookup(service, fetch, current, config)
            for hit in hits:
                paper = by_key[hit.paper_key]
                decision = Decision(hit, judge(paper, hit))
                result.decisions.append(decision)
                result.findings.extend(_findings(paper, decision))
            if service == "arxiv":
                result.published_dois = _published_dois(current, result.decisions)
                current = [
                    replace(p, doi=result.published_dois[p.key])
                    if p.key in result.published_dois
                    else p
                    for p in current
                ]
    finally:
        session.close()
    return result


def _lookup(service: str, fetch: Fetch, papers: list[PaperQuery], config: LinkConfig) -> list[Hit]:
    if service == "arxiv":
        return arxiv.lookup(fetch, papers)
    if service == "crossref":
        return crossref.lookup(fetch, papers, config.contact)
    if service == "openalex":
        return openalex.lookup(fetch, papers, config.openalex_key)
    if service == "semanticscholar":
        return semanticscholar.lookup(fetch, papers, config.s2_key)
    if service == "wikidata":
        return wikidata.lookup(fetch, papers)
    if service == "dblp":
        return _dblp_name(dblp.lookup(fetch, papers))
    raise ValueError(f"unknown service {service!r}")


def _published_dois(papers: list[PaperQuery], decisions: list[Decision]) -> dict[str, str]:
    """Paper key -> the publisher DOI its accepted arXiv record names, for papers the lists
    give no publisher DOI (a different one is a finding instead)."""
    without = {p.key for p in papers if not p.doi}
    return {
        d.hit.paper_key: d.hit.ids["doi"]
        for d in decisions
        if d.hit.service == "arxiv"
        and d.verdict.accepted
        and d.hit.ids.get("doi")
        and d.hit.paper_key in without
        and doi_ok(d.hit.ids["doi"])
        and not is_arxiv_doi(d.hit.ids["doi"])
    }


def person_links(
    papers: dict[str, PaperQuery], decisions: list[Decision]
) -> list[tuple[str, str, str, Decision]]:
    """(person key, id kind, id, decision) from the authors of accepted hits."""
    links = []
    for d in decisions:
        if not d.verdict.accepted:
            continue
        for person_key, author in person_matches(papers[d.hit.paper_key], d.hit.authors):
            for kind, value in sorted(author.ids.items()):
                if kind == "orcid" and not orcid_ok(value):
                    continue
                links.append((person_key, kind, value, d))
    return links


__all__ = ["Decision", "Finding", "LinkResult", "person_links", "run_link"]
