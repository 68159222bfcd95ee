"""`dlkg explain`: why a paper or person node is what it is, as text.

Reads a `model.Resolution` (records, merges with rule, score and evidence, near misses,
issues); it decides nothing itself.
"""

from __future__ import annotations

import re

from .errors import UsageError
from .model import Resolution
from .normalize import fold
from .resolve.base import MentionIdx, mention_of_bib, mention_of_entry

# A bare arXiv id as people paste it: 1512.03385, arXiv:1512.03385v2, cs/0112017.
_ARXIV = re.compile(r"(?i)^(?:arxiv:\s*)?(\d{4}\.\d{4,5}|[a-z-]+(?:\.[a-z]{2})?/\d{7})(?:v\d+)?$")


def _by_arxiv_id(resolution: Resolution, query: str) -> str | None:
    """The key of the paper with this arXiv id, if `query` is one."""
    match = _ARXIV.match(query.strip())
    if match is None:
        return None
    wanted = match.group(1).lower()
    return next(
        (k for k, p in sorted(resolution.papers.items()) if (p.arxiv_id or "").lower() == wanted),
        None,
    )


def explain(resolution: Resolution, query: str) -> str:
    """Why a paper or person is what it is: its records, merges (rule, score, evidence), near
    misses and issues. `query` is a key, an IRI tail (`paper/arxiv-1503.02531`), an arXiv id
    (`1503.02531`, `arXiv:1503.02531`) or a name. Raises UsageError when no node or several
    nodes match."""
    by_id = _by_arxiv_id(resolution, query)
    if by_id is not None:
        return _explain_paper(resolution, by_id)
    tail = query.rstrip("/").split("/")[-1]
    if tail in resolution.papers:
        return _explain_paper(resolution, tail)
    if tail in resolution.persons:
        return _explain_person(resolution, tail)
    needle = fold(query)
    papers = [
        k
        for k, p in sorted(resolution.papers.items())
        if needle in fold(" ".join([p.title_en or "", *p.titles_zh, *p.alternate_titles]))
    ]
    persons = [
        k
        for k, p in sorted(resolution.persons.items())
        if needle in fold(" ".join([p.name, *p.alternate_names]))
    ]
    found = [("paper", k) for k in papers] + [("person", k) for k in persons]
    if len(found) == 1:
        kind, key = found[0]
        return (
            _explain_paper(resolution, key) if kind == "paper" else _explain_person(resolution, key)
        )
    if not found:
        raise UsageError(
            f"nothing matches {query!r} (try a paper key, a person key or part of a name)"
        )
    shown = ", ".join(f"{k}/{v}" for k, v in found[:10])
    more = f" and {len(found) - 10} more" if len(found) > 10 else ""
    raise UsageError(f"{len(found)} nodes match {query!r}: {shown}{more}; ask for one key")


def _decisions(resolution: Resolution, kind: str, key: str, labels: set[str]) -> list[str]:
    lines = [
        f"  merge [{m.rule} {m.score:g}] {m.record}: {m.evidence}"
        for m in resolution.merges
        if m.kind == kind and m.target_key == key
    ]
    lines += [
        f"  near miss [{n.score:g}] {n.a} / {n.b}: {n.reason}"
        for n in resolution.near_misses
        if n.kind == kind and (n.a in labels or n.b in labels)
    ]
    return lines


def _explain_paper(resolution: Resolution, key: str) -> str:
    p = resolution.papers[key]
    out = [f"paper {key}: {p.title_en or (p.titles_zh or ['?'])[0]!r} ({p.year})"]
    ids = [f"arXiv {p.arxiv_id}"] if p.arxiv_id else []
    ids += [f"DOI {p.doi}"] if p.doi else []
    ids += [f"BibTeX {p.bib_key}"] if p.bib_key else []
    out.append("  identifiers: " + (", ".join(ids) or "none (key from the title)"))
    out.append("  records:")
    labels: set[str] = set()
    for item in resolution.items:
        if item.paper_key == key:
            e = item.entry
            out.append(
                f"    {item.list_id} {e.prov} [{item.key}] {e.title!r} year={e.year} "
                f"authors={list(e.authors)}{'' if e.authors_complete else ' et al.'}"
            )
            labels.add(mention_of_entry(MentionIdx(0), e).label)
    for bib, paper_key in resolution.bib_entries:
        if paper_key == key:
            out.append(f"    bib {bib.prov} [{bib.key}] {bib.title!r} year={bib.year}")
            labels.add(mention_of_bib(MentionIdx(0), bib).label)
    authors = ", ".join(
        f"{a.position}. {a.name_as_written} -> {a.person_key}" for a in p.authorships
    )
    out.append(f"  authors ({'complete' if p.authors_complete else 'incomplete'}): {authors}")
    out += _decisions(resolution, "paper", key, labels)
    provs = {str(v) for v in p.provs}
    out += [f"  issue: {i}" for i in resolution.issues if i.where and str(i.where) in provs]
    return "\n".join(out)


def _explain_person(resolution: Resolution, key: str) -> str:
    p = resolution.persons[key]
    out = [f"person {key}: {p.name} (given {p.given!r}, family {p.family!r})"]
    out.append("  written as: " + "; ".join(sorted(p.alternate_names | {p.name})))
    out += [f"  profile: {u}" for u in sorted(p.profile_urls)]
    for paper in sorted(resolution.papers.values(), key=lambda x: x.key):
        for a in paper.authorships:
            if a.person_key == key:
                out.append(
                    f"  author {a.position} of {paper.key} as {a.name_as_written!r} ({a.prov})"
                )
    labels = {f"{v.source_id} {v} {n!r}" for v in p.provs for n in p.alternate_names | {p.name}}
    out += _decisions(resolution, "person", key, labels)
    return "\n".join(out)


__all__ = ["explain"]
