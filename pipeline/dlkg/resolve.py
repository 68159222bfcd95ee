"""Resolve: one node per real paper and per real person, with the evidence of every decision.

`resolve` turns the parsers' records into a `model.Resolution`; `explain` prints why a node is
what it is. The rules are documented, in order, in docs/resolution.md; the modules
`resolve_papers`, `resolve_people`, `resolve_assemble` and `resolve_curation` implement them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .errors import UsageError
from .model import Merge, PersonMention, Resolution
from .normalize import fold
from .records import ParseResult
from .resolve_assemble import (
    assemble_paper,
    assemble_person,
    author_source,
    authorships_of,
    list_items,
)
from .resolve_base import Log, PaperMention, mention_of_bib, mention_of_entry
from .resolve_curation import Decision, PaperRef, load_curation, parse_paper_ref, unmatched
from .resolve_papers import PaperResolver
from .resolve_people import PersonResolver
from .resolve_registry import assign_keys, load_registry


def _canonical(m: PaperMention) -> tuple[int, str, int, int, str]:
    # Records are processed in this order whatever order the parsers gave them in, so the
    # result (and every key) is the same for shuffled input.
    position = m.entry.position if m.entry else 0
    return (m.rank, m.prov.source_id, m.prov.line, position, m.title_en or m.title_zh)


def resolve(results: Sequence[ParseResult], *, curation_dir: Path | None) -> Resolution:
    """Resolve every record of every source into papers, persons and list items.

    Keys come from the key registry `keys.tsv` of `curation_dir` when it has one."""
    log = Log()
    decisions = load_curation(curation_dir)
    registry = load_registry(curation_dir)
    if registry is None and curation_dir is not None:
        registry = []  # a curation folder without keys.tsv: every key is new (and reported)
    mentions = [mention_of_entry(0, e) for r in results for e in r.entries]
    mentions += [mention_of_bib(0, b) for r in results for b in r.bib_entries]
    mentions.sort(key=_canonical)
    for i, m in enumerate(mentions):
        m.idx = i
    papers_rv = PaperResolver(mentions, decisions, log, registry)
    puf = papers_rv.run()
    groups = sorted(puf.groups().values(), key=min)
    clusters = [[mentions[i] for i in g] for g in groups]
    _report_translations(clusters, log)

    titles = _curated_titles(papers_rv, decisions, log)
    built = [
        assemble_paper(c, papers_rv.keys, papers_rv.excluded, log, _title_of(c, titles))
        for c in clusters
    ]
    keys = assign_keys("paper", [node for _, node in built], registry, log)
    paper_key: dict[int, str] = {}
    for (paper, _), key, members in zip(built, keys, clusters, strict=True):
        paper.key = key
        paper_key.update({m.idx: key for m in members})
    cluster_key = {c: keys[c] for c in range(len(clusters))}

    def find_paper(ref: PaperRef) -> set[int]:
        if ref.kind == "key":  # the paper's final key, not its registered anchors
            return {i for i, key in paper_key.items() if key == ref.value}
        return papers_rv.find_refs(ref)

    researchers = sorted(
        (k for r in results for k in r.key_researchers), key=lambda k: (k.prov, k.name)
    )
    people = PersonResolver(
        clusters,
        researchers,
        decisions,
        log,
        find_paper=find_paper,
        registry=registry,
        paper_keys=cluster_key,
    )
    nuf = people.run()
    curated_names = people.curated_names()
    roots = sorted(nuf.groups())
    assembled = [
        assemble_person(
            [people.mentions[i] for i in nuf.groups()[r]], cluster_key, curated_names.get(r)
        )
        for r in roots
    ]
    person_keys = assign_keys("person", [node for _, node in assembled], registry, log)
    for (person, _), key in zip(assembled, person_keys, strict=True):
        person.key = key
    root_key = dict(zip(roots, person_keys, strict=True))
    person_key = {n.idx: root_key[nuf.find(n.idx)] for n in people.mentions}

    resolution = Resolution()
    for (paper, _), members in zip(built, clusters, strict=True):
        chosen = author_source(members)
        if chosen is not None:
            paper.authorships = authorships_of(chosen, people.mentions, person_key)
        resolution.papers[paper.key] = paper
    resolution.persons = {p.key: p for p, _ in assembled}
    resolution.key_anchors = [
        ("paper", p.key, tuple(sorted(node.anchors))) for p, node in built
    ] + [("person", p.key, tuple(sorted(node.anchors))) for p, node in assembled]
    resolution.items = list_items(mentions, paper_key, log)
    resolution.sections = [s for r in results for s in r.sections]
    resolution.bib_entries = [(m.bib, paper_key[m.idx]) for m in mentions if m.bib]
    resolution.key_researchers = [
        (n.researcher, person_key[n.idx]) for n in people.mentions if n.researcher
    ]
    for a, b, rule, score, evidence in puf.log:
        resolution.merges.append(
            Merge(
                "paper",
                paper_key[a],
                mentions[b].label,
                rule,
                score,
                f"{evidence}; joined to {mentions[a].label}",
            )
        )
    for a, b, rule, score, evidence in nuf.log:
        na, nb = people.mentions[a], people.mentions[b]
        resolution.merges.append(
            Merge(
                "person",
                person_key[a],
                nb.label,
                rule,
                round(score, 1),
                f"{evidence}; joined to {na.label}",
            )
        )
    resolution.person_mentions = [
        PersonMention(person_key[n.idx], n.written.strip(), n.prov, n.position)
        for n in people.mentions
    ]
    resolution.different_from = _different_from(
        [("paper", papers_rv.cannot, paper_key), ("person", people.cannot, person_key)]
    )
    resolution.near_misses = log.near_misses
    resolution.issues = log.issues
    return resolution


def _different_from(
    kinds: list[tuple[str, list[tuple[frozenset[int], frozenset[int], str]], dict[int, str]]],
) -> list[tuple[str, str, str, str]]:
    """Curated different-from decisions as pairs of final keys (a < b), sorted."""
    pairs: set[tuple[str, str, str, str]] = set()
    for kind, cannot, key_of in kinds:
        for left, right, reason in cannot:
            for a in left:
                for b in right:
                    ka, kb = sorted((key_of[a], key_of[b]))
                    if ka != kb:
                        pairs.add((kind, ka, kb, reason))
    return sorted(pairs)


def _curated_titles(
    papers_rv: PaperResolver, decisions: list[Decision], log: Log
) -> dict[int, str]:
    """Curated `paper-title` decisions: record index -> title."""
    out: dict[int, str] = {}
    for d in decisions:
        if d.kind != "paper-title":
            continue
        found = papers_rv.find_refs(parse_paper_ref(d.subject))
        if not found:
            log.issues.append(unmatched(d, "subject"))
        out.update(dict.fromkeys(found, d.object))
    return out


def _title_of(members: list[PaperMention], titles: dict[int, str]) -> str | None:
    found = sorted({titles[m.idx] for m in members if m.idx in titles})
    return found[0] if found else None


def _report_translations(clusters: list[list[PaperMention]], log: Log) -> None:
    for members in clusters:
        for m in members:
            original = m.translated_list
            if not original:
                continue
            english = [o for o in members if not o.translated_list]
            if not english:
                log.warn(
                    "resolve.zh-unmatched",
                    f"{m.label}: no English paper found (no link shared with an English record"
                    f", no single entry of the {original} list in section {m.section_key} "
                    f"with year {m.year} and first author {m.authors[:1]})",
                    m.prov,
                )
            elif not any(o.list_id == original and o.section_key == m.section_key for o in english):
                sections = sorted({o.section_key or "-" for o in english if o.list_id == original})
                log.warn(
                    "resolve.zh-section-differs",
                    f"{m.label} sits in section {m.section_key}; the {original} list has the "
                    f"paper in {sections or 'no section'}",
                    m.prov,
                )


def explain(resolution: Resolution, query: str) -> str:
    """Why a paper or person is what it is: its records, merges (rule, score, evidence), near
    misses and issues. `query` is a key, an IRI tail (`paper/arxiv-1503.02531`) or a name.
    Raises UsageError when no node or several nodes match."""
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
            labels.add(mention_of_entry(0, e).label)
    for bib, paper_key in resolution.bib_entries:
        if paper_key == key:
            out.append(f"    bib {bib.prov} [{bib.key}] {bib.title!r} year={bib.year}")
            labels.add(mention_of_bib(0, bib).label)
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


__all__ = ["explain", "resolve"]
