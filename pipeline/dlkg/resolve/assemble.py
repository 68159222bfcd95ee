"""From clusters to entities: Paper and Person values, the nodes their keys are chosen for
(`keys`), authorships and list items.

Conflicting statements keep living in the records (ListItem.entry, BibEntry: the stated*
values); the entity takes the value of the best-ranked source (BibTeX > roadmap > awesome
list > translations; for titles BibTeX > awesome list > roadmap) and every disagreement
becomes an Issue.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import NamedTuple

from ..model import Authorship, ListItem, Paper, Person
from ..normalize import (
    PersonName,
    clean_url,
    doi_from_file_name,
    parse_person_name,
    title_key,
    url_key,
)
from ..normalize.identifiers import slugify
from .author_lists import reported_across_sources
from .base import ClusterIdx, IdKey, MentionIdx, PaperMention
from .facts import author_source, choose_title, choose_year, contradicted
from .keys import name_anchor, record_anchors
from .minting import Node
from .names import NameMention, preferred_name
from .unionfind import Log


class CuratedFacts(NamedTuple):
    """Curated facts of one paper (`paper-title`, `paper-year`, `paper-author-order`,
    `paper-authors-complete`): they win over every source."""

    title: str | None = None
    year: int | None = None
    author_order: tuple[str, ...] = ()
    complete: bool | None = None


def apply_curated(paper: Paper, node: Node, fact: CuratedFacts) -> Node:
    """Set the curated facts on the paper; the node's `year:` anchor follows the year."""
    if fact.title and fact.title != paper.title_en:
        old = {paper.title_en} if paper.title_en else set()
        paper.alternate_titles = (paper.alternate_titles | old) - {fact.title}
        paper.title_en = fact.title
    if fact.complete is not None:
        paper.authors_complete = fact.complete
    if fact.year is None or fact.year == paper.year:
        return node
    paper.year = fact.year
    anchors = {a for a in node.anchors if a.kind != "year"} | {IdKey("year", str(fact.year))}
    return replace(node, anchors=frozenset(anchors))


class Ranked(NamedTuple):
    """A value stated by a record, ordered by the record's rank, then its index."""

    rank: int
    idx: MentionIdx
    value: str


def _pick(values: list[Ranked]) -> str | None:
    return min(values).value if values else None


def _doi(members: list[PaperMention], ids: list[Ranked]) -> str | None:
    if ids:
        return _pick(ids)
    # A Nature file name on a mirror is a DOI only for a paper some record places in Nature.
    if any(re.search(r"\bnature\b", m.venue, re.IGNORECASE) for m in members):
        found = sorted(d for m in members for url in m.links if (d := doi_from_file_name(url)))
        return found[0] if found else None
    return None


def assemble_paper(
    members: list[PaperMention],
    keys: Sequence[Collection[IdKey]],  # by MentionIdx
    excluded: dict[MentionIdx, set[str]],
    log: Log,
) -> tuple[Paper, Node]:
    """A Paper (key still empty) and the Node its key is chosen for; conflicts -> issues.
    Links excluded for a record (naming another paper, curated not-identity) are not URLs
    of the paper; they stay on the record's list item."""
    ids: dict[str, list[Ranked]] = defaultdict(list)
    for m in members:
        for kind, value in keys[m.idx]:
            if kind in {"arxiv", "doi"}:
                ids[kind].append(Ranked(m.rank, m.idx, value))
    first = members[0]
    for kind in ("arxiv", "doi"):
        distinct = sorted({v.value for v in ids[kind]})
        if len(distinct) > 1:
            log.warn(
                f"resolve.{kind}-conflict",
                f"one paper, several {kind} identifiers {distinct}: {_pick(ids[kind])} kept "
                "(best-ranked source)",
                first.prov,
            )
    urls: list[str] = []
    for m in members:
        for url in m.links:
            clean = clean_url(url)
            if clean and clean not in urls and url_key(url) not in excluded.get(m.idx, set()):
                urls.append(clean)
    title_en, english = choose_title(members, urls)
    variants = sorted({title_key(t) for t in english})
    if len(variants) > 1 or (title_en and title_en not in english):
        log.warn(
            "resolve.title-conflict",
            f"the sources word the title differently: {variants}; the evidence order gives "
            f"{title_en!r}",
            first.prov,
        )
    year, years = choose_year(members)
    if year and len({y.year for y in years}) > 1:
        stated = ", ".join(
            f"{y.year} ({members_by_idx(members, y.idx).prov}, {y.why})" for y in sorted(years)
        )
        log.warn(
            "resolve.year-conflict",
            f"years differ: {stated}; the evidence order gives {year.year} ({year.why})",
            first.prov,
        )
    _report_authors(members, log)
    chosen, complete = author_source(members)
    bibs = sorted(m.bib.key for m in members if m.bib)
    if len(bibs) > 1:
        log.warn("resolve.bib-duplicate", f"BibTeX entries {bibs} describe one paper", first.prov)
    paper = Paper(
        key="",
        title_en=title_en,
        titles_zh=[
            t for _, _, t in sorted((m.rank, m.idx, m.title_zh) for m in members if m.title_zh)
        ],
        alternate_titles=set(english) - {title_en or ""},
        year=year.year if year else None,
        arxiv_id=_pick(ids["arxiv"]),
        doi=_doi(members, ids["doi"]),
        urls=urls,
        authors_complete=complete,
        bib_key=bibs[0] if bibs else None,
        provs={m.prov for m in members},
    )
    anchors: set[IdKey] = set().union(*(record_anchors(m, keys[m.idx]) for m in members))
    anchors |= {IdKey("doi", paper.doi)} if paper.doi else set()
    anchors |= {IdKey("year", str(paper.year))} if paper.year else set()
    author = parse_person_name(chosen.authors[0]).family_key if chosen else ""
    anchors |= {IdKey("author", author)} if author else set()
    base = base_paper_key(paper, members)
    alternatives = [base]
    if not base.startswith(("arxiv-", "doi-")):
        alternatives.append(f"{base}-{paper.year}" if paper.year else base)
        alternatives.append(f"{alternatives[-1]}-{slugify(author)}".rstrip("-"))
    label = repr(title_en or (paper.titles_zh or ["?"])[0])
    node = Node(frozenset(anchors), tuple(dict.fromkeys(alternatives)), min(paper.provs), label)
    return paper, node


def _report_authors(members: list[PaperMention], log: Log) -> None:
    complete = {len(m.authors) for m in members if m.authors and m.authors_complete}
    if len(complete) > 1:
        log.warn(
            "resolve.author-count-conflict",
            f"complete author lists of different lengths {sorted(complete)}: the longest kept",
            members[0].prov,
        )
    for m in members:
        if not (m.authors and m.authors_complete and (by := contradicted(m, members))):
            continue
        # One defect, one warning: where another source's list is longer, or its "et al." says
        # more authors exist, the cross-source check names the defect with the counts
        # (`cross.authors-shorter`, `cross.complete-but-et-al-elsewhere`); this code remains
        # for the contradictions only resolution sees (an "et al." list of as many names as
        # its list writes in full, a longer list in the same source).
        if not reported_across_sources(m, members):
            log.warn(
                "resolve.author-list-contradicted",
                f"{m.prov.source_id} marks its {len(m.authors)}-author list complete, but "
                f"{by.prov.source_id} {by.prov} lists {len(by.authors)}"
                + ("" if by.authors_complete else " followed by 'et al.'")
                + ": not taken as the complete list",
                m.prov,
            )


def members_by_idx(members: list[PaperMention], idx: MentionIdx) -> PaperMention:
    return next(m for m in members if m.idx == idx)


def base_paper_key(paper: Paper, members: list[PaperMention]) -> str:
    if paper.arxiv_id:
        return f"arxiv-{paper.arxiv_id.replace('/', '-')}"
    if paper.doi:
        return f"doi-{slugify(paper.doi, max_length=200)}"
    slug = slugify(paper.title_en or "")
    if slug:
        return slug
    # Only a Chinese title: its ASCII slug is empty, so a digest of the normalised title.
    text = title_key(next((m.title_zh for m in members if m.title_zh), paper.key))
    return "zh-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def assemble_person(
    names: list[NameMention], paper_key: dict[ClusterIdx, str], curated: PersonName | None = None
) -> tuple[Person, Node]:
    """One Person (key still empty) with its preferred name, and the Node its key is chosen
    for: `hinton-g`, or `hinton-geoffrey` when another person has that key."""
    best = curated or preferred_name(names)
    person = Person(
        key="",
        name=best.display,
        given=best.given_display or None,
        family=best.full_family or None,
        alternate_names={n.written.strip() for n in names} - {best.display},
        profile_urls={n.researcher.url for n in names if n.researcher and n.researcher.url},
        provs={n.prov for n in names},
    )
    given_first = best.given.split()[0] if best.given.split() else ""
    family, initial = slugify(best.full_family), slugify(best.given)[:1]
    alternatives = ["-".join(p for p in (family, initial) if p) or "person"]
    if len(given_first.rstrip(".")) > 1:
        alternatives.append(f"{family}-{slugify(given_first)}")
    anchors = {name_anchor(n.name) for n in names if n.name.family}
    anchors |= {IdKey("paper", paper_key[n.paper]) for n in names if n.paper is not None}
    node = Node(frozenset(anchors), tuple(alternatives), min(person.provs), repr(best.display))
    return person, node


def authorships_of(
    chosen: PaperMention,
    names: list[NameMention],
    key_of: Sequence[str],  # by NameIdx
    order: tuple[str, ...] = (),
) -> list[Authorship]:
    """The authorships of the chosen record's list; a curated `paper-author-order` (family
    names) moves the names it lists to the front in its order, positions renumbered."""
    mine = sorted((n for n in names if n.record == chosen.idx), key=lambda n: n.position)
    if order:
        wanted = [parse_person_name(f).family_key for f in order]

        def place(n: NameMention) -> tuple[int, int]:
            family = n.name.family_key
            return (wanted.index(family) if family in wanted else len(wanted), n.position)

        mine.sort(key=place)
        return [
            Authorship(key_of[n.idx], i, n.written.strip(), n.prov)
            for i, n in enumerate(mine, start=1)
        ]
    return [Authorship(key_of[n.idx], n.position, n.written.strip(), n.prov) for n in mine]


def list_items(mentions: list[PaperMention], paper_key: Sequence[str], log: Log) -> list[ListItem]:
    """ListItems keyed `<section>/<paper>` (`-2`, `-3` on repeats in one section); a paper
    listed twice in one list is reported."""
    items: list[ListItem] = []
    entries = sorted((m for m in mentions if m.entry), key=lambda m: (m.list_id, m.entry.position))  # type: ignore[union-attr]
    count: dict[str, int] = defaultdict(int)
    by_list: dict[tuple[str, str], list[PaperMention]] = defaultdict(list)
    for m in entries:
        assert m.entry is not None
        key = f"{m.entry.section_key}/{paper_key[m.idx]}"
        count[f"{m.entry.list_id} {key}"] += 1
        n = count[f"{m.entry.list_id} {key}"]
        items.append(
            ListItem(m.entry.list_id, key if n == 1 else f"{key}-{n}", paper_key[m.idx], m.entry)
        )
        by_list[(m.entry.list_id, paper_key[m.idx])].append(m)
    for (list_id, key), ms in sorted(by_list.items()):
        if len(ms) > 1:
            where = ", ".join(f"{m.prov} ({m.section_key})" for m in ms)
            log.warn(
                "resolve.duplicate-in-list",
                f"list {list_id} names paper {key} {len(ms)} times: {where}; one paper, "
                f"{len(ms)} list items",
                ms[1].prov,
            )
    return items


__all__ = [
    "CuratedFacts",
    "apply_curated",
    "assemble_paper",
    "assemble_person",
    "author_source",
    "authorships_of",
    "list_items",
]
