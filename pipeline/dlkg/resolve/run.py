"""Resolve: one node per real paper and per real person, with the evidence of every decision.

`resolve` turns the parsers' records into a `model.Resolution` (`dlkg.explain` prints why a
node is what it is). The rules are documented, in order, in docs/resolution.md; the modules
`papers`, `people`, `names`, `assemble`, `keys` and `curation` of this package implement them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from ..model import DifferentFrom, KeyAnchors, Merge, PersonMention, Resolution
from ..normalize.names import forget_name_words
from ..records import ParseResult
from .assemble import (
    CuratedFacts,
    apply_curated,
    assemble_paper,
    assemble_person,
    author_source,
    authorships_of,
    list_items,
)
from .base import (
    ClusterIdx,
    MentionIdx,
    PaperMention,
    mention_of_bib,
    mention_of_entry,
    sorted_keys,
)
from .curation import Decision, PaperRef, load_curation, parse_paper_ref, unmatched
from .keys import load_registry
from .minting import Node, assign_keys
from .names import NameMention
from .papers import PaperResolver
from .people import PersonResolver
from .unionfind import Apart, Join, Labelled, Log


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
    unset = MentionIdx(0)  # numbered below, once in canonical order
    mentions = [mention_of_entry(unset, e) for r in results for e in r.entries]
    mentions += [mention_of_bib(unset, b) for r in results for b in r.bib_entries]
    mentions.sort(key=_canonical)
    for i, m in enumerate(mentions):
        m.idx = MentionIdx(i)
    papers_rv = PaperResolver(mentions, decisions, log, registry)
    puf = papers_rv.run()
    groups = sorted(puf.groups().values(), key=min)
    clusters = [[mentions[i] for i in g] for g in groups]
    _report_translations(clusters, log)

    built = [assemble_paper(c, papers_rv.keys, papers_rv.excluded, log) for c in clusters]
    keys = assign_keys("paper", [node for _, node in built], registry, log)
    # a list indexed by MentionIdx (records are numbered 0..n-1), not a dict: 1 M at x1000
    paper_key: list[str] = [""] * len(mentions)
    for (paper, _), key, members in zip(built, keys, clusters, strict=True):
        paper.key = key
        for m in members:
            paper_key[m.idx] = key
    cluster_key = {ClusterIdx(c): keys[c] for c in range(len(clusters))}

    # a partial, not a closure: deleting the names below then frees the paper resolver
    find_paper = partial(_find_paper, paper_key, papers_rv.find_refs)

    # Curated facts after the keys: a key reference names the final paper, not every
    # paper sharing a registered title anchor ("Deep learning": the book and the review).
    facts = _curated_facts(find_paper, decisions, log)
    curated = [_facts_of(c, facts) for c in clusters]
    # the nodes are used up once the keys are chosen: only their anchors, written out, stay
    same: dict[str, str] = {}  # one string per distinct anchor (see `_anchor_texts`)
    paper_anchors = [
        _anchor_texts(apply_curated(paper, node, fact), same)
        for (paper, node), fact in zip(built, curated, strict=True)
    ]
    papers = [paper for paper, _ in built]
    del built
    _drop_settled_contradictions(clusters, curated, log)

    researchers = sorted(
        (k for r in results for k in r.key_researchers), key=lambda k: (k.prov, k.name)
    )
    people = PersonResolver(
        log,
        clusters=clusters,
        researchers=researchers,
        decisions=decisions,
        find_paper=find_paper,
        registry=registry,
        paper_keys=cluster_key,
    )
    nuf = people.run()
    # only the people rules compare name words (`same_tokens`): its cache is 90 MB at x1000
    forget_name_words()
    curated_names = people.curated_names()
    name_groups = nuf.groups()  # once: computing it per person made resolution quadratic
    roots = sorted(name_groups)
    assembled = [
        assemble_person(
            [people.mentions[i] for i in name_groups[r]], cluster_key, curated_names.get(r)
        )
        for r in roots
    ]
    person_keys = assign_keys("person", [node for _, node in assembled], registry, log)
    for (person, _), key in zip(assembled, person_keys, strict=True):
        person.key = key
    person_anchors = [_anchor_texts(node, same) for _, node in assembled]
    persons = [person for person, _ in assembled]
    del assembled, same
    root_key = dict(zip(roots, person_keys, strict=True))
    # a list indexed by NameIdx (names are numbered 0..n-1): 3 M names at x1000
    person_key = [root_key[nuf.find(n.idx)] for n in people.mentions]
    del root_key, name_groups
    # the resolvers' working sets (indexes, clusters) are not needed below: free them before
    # the resolution's own lists are built, which is where resolve's memory peaks
    name_mentions, paper_cannot, person_cannot = people.mentions, papers_rv.cannot, people.cannot
    del people, papers_rv, find_paper

    resolution = Resolution()
    names_of: dict[MentionIdx, list[NameMention]] = defaultdict(list)  # record -> its names
    for n in name_mentions:
        if n.record is not None:
            names_of[n.record].append(n)
    for paper, members, fact in zip(papers, clusters, curated, strict=True):
        chosen, _complete = author_source(members)
        if chosen is not None:
            paper.authorships = authorships_of(
                chosen, names_of[chosen.idx], person_key, fact.author_order
            )
        resolution.papers[paper.key] = paper
    del names_of, clusters, curated
    resolution.persons = {p.key: p for p in persons}
    resolution.key_anchors = [
        *(KeyAnchors("paper", p.key, a) for p, a in zip(papers, paper_anchors, strict=True)),
        *(KeyAnchors("person", p.key, a) for p, a in zip(persons, person_anchors, strict=True)),
    ]
    del papers, persons, paper_anchors, person_anchors
    # From here on each working set is released as soon as the output made from it is
    # complete (the end of resolve is its memory peak): the union logs entry by entry.
    _merges(resolution.merges, "paper", puf.log, paper_key, mentions)
    resolution.items = list_items(mentions, paper_key, log)
    resolution.sections = [s for r in results for s in r.sections]
    resolution.bib_entries = [(m.bib, paper_key[m.idx]) for m in mentions if m.bib]
    del mentions, puf
    resolution.key_researchers = [
        (n.researcher, person_key[n.idx]) for n in name_mentions if n.researcher
    ]
    _merges(resolution.merges, "person", nuf.log, person_key, name_mentions)
    del nuf
    resolution.person_mentions = [
        PersonMention(person_key[n.idx], n.written.strip(), n.prov, n.position)
        for n in name_mentions
    ]
    del name_mentions
    resolution.different_from = _different_from(
        [
            ("paper", paper_cannot, lambda i: paper_key[i]),
            ("person", person_cannot, lambda i: person_key[i]),
        ]
    )
    resolution.near_misses = log.near_misses
    resolution.issues = log.issues
    resolution.comparisons = dict(sorted(log.comparisons.items()))
    return resolution


def _find_paper(
    paper_key: list[str],
    find_refs: Callable[[PaperRef], set[MentionIdx]],
    ref: PaperRef,
) -> set[MentionIdx]:
    if ref.kind == "key":  # the paper's final key, not its registered anchors
        return {MentionIdx(i) for i, key in enumerate(paper_key) if key == ref.value}
    return find_refs(ref)


def _anchor_texts(node: Node, same: dict[str, str]) -> tuple[str, ...]:
    """A node's anchors written out, sorted; one string per distinct anchor text (a paper's
    `paper:` anchor is on each of its authors, a `year:` on thousands of papers)."""
    return tuple(same.setdefault(text, text) for text in map(str, sorted_keys(node.anchors)))


def _merges(
    out: list[Merge], kind: str, log: list[Join], key_of: Sequence[str], sides: Sequence[Labelled]
) -> None:
    """The merges of one union log, in its order; the log is emptied as it is read (each
    entry's evidence is in the merge's own string from then on)."""
    log.reverse()  # popped from the end below: the log's own order, each entry freed when read
    while log:
        a, b, rule, score, evidence = log.pop()
        out.append(
            Merge(
                kind,
                key_of[a],
                sides[b].label,
                rule,
                score if kind == "paper" else round(score, 1),
                f"{evidence}; joined to {sides[a].label}",
            )
        )


def _different_from(
    kinds: list[tuple[str, list[Apart], Callable[[int], str]]],
) -> list[DifferentFrom]:
    """Curated different-from decisions as pairs of final keys (a < b), sorted."""
    pairs: set[DifferentFrom] = set()
    for kind, cannot, key_of in kinds:
        for left, right, reason in cannot:
            for a in left:
                for b in right:
                    ka, kb = sorted((key_of(a), key_of(b)))
                    if ka != kb:
                        pairs.add(DifferentFrom(kind, ka, kb, reason))
    return sorted(pairs)


PAPER_FACTS = ("paper-title", "paper-year", "paper-author-order", "paper-authors-complete")


def _curated_facts(
    find_paper: Callable[[PaperRef], set[MentionIdx]], decisions: list[Decision], log: Log
) -> dict[MentionIdx, dict[str, str]]:
    """Curated facts of papers: record index -> decision kind -> value."""
    out: dict[MentionIdx, dict[str, str]] = {}
    for d in decisions:
        ref = parse_paper_ref(d.subject)
        if d.kind not in PAPER_FACTS or ref is None:
            continue
        found = find_paper(ref)
        if not found:
            log.issues.append(unmatched(d, "subject"))
        for idx in found:
            out.setdefault(idx, {})[d.kind] = d.object
    return out


def _facts_of(members: list[PaperMention], facts: dict[MentionIdx, dict[str, str]]) -> CuratedFacts:
    def one(kind: str) -> str | None:
        found = sorted({facts[m.idx][kind] for m in members if kind in facts.get(m.idx, {})})
        return found[0] if found else None

    year, order, complete = (
        one("paper-year"),
        one("paper-author-order"),
        one("paper-authors-complete"),
    )
    return CuratedFacts(
        title=one("paper-title"),
        year=int(year) if year else None,
        author_order=tuple(f.strip() for f in order.split("|")) if order else (),
        complete=None if complete is None else complete == "yes",
    )


def _drop_settled_contradictions(
    clusters: list[list[PaperMention]], curated: list[CuratedFacts], log: Log
) -> None:
    """No `resolve.author-list-contradicted` on a paper curated `paper-authors-complete yes`.

    The decision settles that the complete lists are right, so the defect is the list that
    "contradicts" them (an "et al." the paper does not have: `cross.et-al-needless` names it
    on that record); the warning on the complete lists would give the wrong advice.
    """
    settled = {m.prov for c, f in zip(clusters, curated, strict=True) if f.complete for m in c}
    log.issues[:] = [
        i
        for i in log.issues
        if not (i.code == "resolve.author-list-contradicted" and i.where in settled)
    ]


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


__all__ = ["resolve"]
