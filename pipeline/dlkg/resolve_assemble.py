"""From clusters to entities: Paper and Person values, their keys, authorships and list items.

Conflicting statements keep living in the records (ListItem.entry, BibEntry: the stated*
values); the entity takes the value of the best-ranked source (BibTeX > roadmap > awesome
list > translations) and every disagreement becomes an Issue.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from .iris import slugify
from .model import Authorship, ListItem, Paper, Person
from .normalize import clean_title, clean_url, parse_person_name, title_key
from .resolve_base import Log, PaperMention
from .resolve_names import NameMention, preferred_name


def author_source(members: list[PaperMention]) -> PaperMention | None:
    """The record whose author list the paper takes: the best-ranked complete list, else the
    longest incomplete one ("et al." lists are completed from any source with the full list)."""
    with_authors = [m for m in members if m.authors]
    complete = [m for m in with_authors if m.authors_complete]
    if complete:
        return min(complete, key=lambda m: (m.rank, m.idx))
    if with_authors:
        return min(with_authors, key=lambda m: (-len(m.authors), m.rank, m.idx))
    return None


def _pick(values: list[tuple[int, int, str]]) -> str | None:
    return min(values)[2] if values else None


def assemble_paper(
    members: list[PaperMention], keys: dict[int, set[str]], log: Log
) -> tuple[Paper, str]:
    """A Paper (key still empty) and its base key; conflicts between sources -> issues."""
    ids: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for m in members:
        for key in keys[m.idx]:
            kind, _, value = key.partition(":")
            if kind in {"arxiv", "doi"}:
                ids[kind].append((m.rank, m.idx, value))
    first = members[0]
    for kind in ("arxiv", "doi"):
        distinct = sorted({v for _, _, v in ids[kind]})
        if len(distinct) > 1:
            log.warn(
                f"resolve.{kind}-conflict",
                f"one paper, several {kind} identifiers {distinct}: {_pick(ids[kind])} kept "
                "(best-ranked source)",
                first.prov,
            )
    english = [(m.rank, m.idx, clean_title(m.title_en)) for m in members if m.title_en]
    title_en = _pick(english)
    variants = sorted({title_key(t) for _, _, t in english})
    if len(variants) > 1:
        log.warn(
            "resolve.title-conflict",
            f"the sources word the title differently: {variants}; kept {title_en!r}",
            first.prov,
        )
    years = [(m.rank, m.idx, str(m.year)) for m in members if m.year is not None]
    if len({y for _, _, y in years}) > 1:
        stated = ", ".join(f"{y} ({members_by_idx(members, i).prov})" for _, i, y in sorted(years))
        log.warn(
            "resolve.year-conflict", f"years differ: {stated}; kept {_pick(years)}", first.prov
        )
    complete = {len(m.authors) for m in members if m.authors and m.authors_complete}
    if len(complete) > 1:
        log.warn(
            "resolve.author-count-conflict",
            f"complete author lists of different lengths {sorted(complete)}",
            first.prov,
        )
    urls: list[str] = []
    for m in members:
        for url in m.links:
            if clean_url(url) and clean_url(url) not in urls:
                urls.append(clean_url(url))
    chosen = author_source(members)
    bibs = sorted(m.bib.key for m in members if m.bib)
    if len(bibs) > 1:
        log.warn("resolve.bib-duplicate", f"BibTeX entries {bibs} describe one paper", first.prov)
    paper = Paper(
        key="",
        title_en=title_en,
        titles_zh=[
            t for _, _, t in sorted((m.rank, m.idx, m.title_zh) for m in members if m.title_zh)
        ],
        alternate_titles={t for _, _, t in english} - {title_en or ""},
        year=int(min(years)[2]) if years else None,
        arxiv_id=_pick(ids["arxiv"]),
        doi=_pick(ids["doi"]),
        urls=urls,
        authors_complete=any(m.authors_complete for m in members if m.authors),
        bib_key=bibs[0] if bibs else None,
        provs={m.prov for m in members},
    )
    if chosen is None:
        paper.authors_complete = False
    return paper, base_paper_key(paper, members)


def members_by_idx(members: list[PaperMention], idx: int) -> PaperMention:
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


def assign_paper_keys(
    papers: list[tuple[Paper, str, list[PaperMention]]],
) -> None:
    """Final keys: the base key; on a title-slug collision `-{year}`, then the first author's
    family name, then `-2`, `-3` in source order."""

    def first_author(members: list[PaperMention]) -> str:
        for m in sorted(members, key=lambda m: (m.rank, m.idx)):
            if m.authors:
                return slugify(parse_person_name(m.authors[0]).full_family)
        return ""

    def with_year(i: int) -> str:
        year = papers[i][0].year
        return f"{keys[i]}-{year}" if year else keys[i]

    def with_author(i: int) -> str:
        return f"{keys[i]}-{first_author(papers[i][2])}".rstrip("-")

    keys = [base for _, base, _ in papers]
    for extend in (with_year, with_author):
        groups: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(keys):
            groups[key].append(i)
        for key, idxs in groups.items():
            if len(idxs) > 1 and not key.startswith(("arxiv-", "doi-")):
                for i in idxs:
                    keys[i] = extend(i)
    seen: dict[str, int] = defaultdict(int)
    order = sorted(range(len(papers)), key=lambda i: min(papers[i][0].provs))
    for i in order:
        seen[keys[i]] += 1
        papers[i][0].key = keys[i] if seen[keys[i]] == 1 else f"{keys[i]}-{seen[keys[i]]}"


def assemble_persons(clusters: dict[int, list[NameMention]]) -> dict[int, Person]:
    """One Person per cluster with its preferred name and key (`hinton-g`; on a clash between
    different people `srivastava-nitish`; a remaining clash gets `-2`, `-3` in source order)."""
    persons: dict[int, Person] = {}
    parts: dict[int, tuple[str, str, str]] = {}
    for root, names in clusters.items():
        best = preferred_name(names)
        person = Person(
            key="",
            name=best.display,
            given=best.given or None,
            family=best.full_family or None,
            alternate_names={n.written.strip() for n in names} - {best.display},
            profile_urls={n.researcher.url for n in names if n.researcher and n.researcher.url},
            provs={n.prov for n in names},
        )
        persons[root] = person
        given_first = best.given.split()[0] if best.given.split() else ""
        full = slugify(given_first) if len(given_first.rstrip(".")) > 1 else ""
        parts[root] = (slugify(best.full_family), slugify(best.given)[:1], full)
    base = {r: "-".join(p for p in parts[r][:2] if p) or "person" for r in persons}
    groups: dict[str, list[int]] = defaultdict(list)
    for r, key in base.items():
        groups[key].append(r)
    for roots in groups.values():
        if len(roots) > 1:
            for r in roots:
                if parts[r][2]:
                    base[r] = f"{parts[r][0]}-{parts[r][2]}"
    seen: dict[str, int] = defaultdict(int)
    for r in sorted(persons, key=lambda r: min(persons[r].provs)):
        seen[base[r]] += 1
        persons[r].key = base[r] if seen[base[r]] == 1 else f"{base[r]}-{seen[base[r]]}"
    return persons


def authorships_of(
    chosen: PaperMention, names: list[NameMention], key_of: dict[int, str]
) -> list[Authorship]:
    mine = sorted((n for n in names if n.record == chosen.idx), key=lambda n: n.position)
    return [Authorship(key_of[n.idx], n.position, n.written.strip(), n.prov) for n in mine]


def list_items(mentions: list[PaperMention], paper_key: dict[int, str], log: Log) -> list[ListItem]:
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
    "assemble_paper",
    "assemble_persons",
    "assign_paper_keys",
    "author_source",
    "authorships_of",
    "list_items",
]
