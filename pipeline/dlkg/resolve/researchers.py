"""Key researchers of the awesome list ("[Key researchers]" comments) matched to authors
(docs/resolution.md, "People"): the last people rule."""

from __future__ import annotations

from collections import defaultdict

from ..normalize import clean_name_text, given_compatible, word_key
from .base import NameIdx, PaperMention
from .name_clusters import NameClusters


def match_key_researchers(names: NameClusters, papers: list[list[PaperMention]]) -> None:
    """A key researcher is the person with that full name; else the one person of that
    family name with compatible (typo-tolerant) given names and a paper in the section
    the researcher is named in. Otherwise a person of their own (reported if ambiguous).
    `papers` are the paper clusters the names' `paper` indices point into."""
    krs = [n for n in names.mentions if n.researcher]
    for n in krs:
        for o in krs:
            if o.idx > n.idx and clean_name_text(o.written) == clean_name_text(n.written):
                names.join(n.idx, o.idx, "same-full-name", 100.0, "the same key researcher")
    clusters = names.cluster_names()
    families = names.families()
    # the clusters of each family, in cluster order: a researcher is compared with the
    # people of its family only (a scan of every cluster per researcher grew quadratically)
    by_family: dict[str, list[NameIdx]] = defaultdict(list)
    for r in clusters:
        by_family[families[r]].append(r)
    done: set[NameIdx] = set()
    for n in krs:
        root = names.uf.find(n.idx)
        if root in done:
            continue
        done.add(root)
        kr = n.researcher
        assert kr is not None
        first = word_key(n.name.given.split()[0]) if n.name.given.split() else ""
        fits: list[NameIdx] = []
        exact: list[NameIdx] = []
        in_section: list[NameIdx] = []
        for r in by_family.get(n.name.family_last_key, ()):
            ns = clusters[r]
            if all(m.researcher for m in ns):
                continue
            if not all(given_compatible(m.name, n.name, typo=True) for m in ns):
                continue
            fits.append(r)
            if any(
                m.name.given.split() and word_key(m.name.given.split()[0]) == first
                for m in ns
                if not m.researcher
            ):
                exact.append(r)
            if any(
                p.list_id == kr.list_id and p.section_key == kr.section_key
                for m in ns
                if m.paper is not None
                for p in papers[m.paper]
            ):
                in_section.append(r)
        if len(exact) == 1:
            names.join(exact[0], n.idx, "key-researcher-name", 100.0, "the same full name")
        elif len(in_section) == 1:
            names.join(
                in_section[0],
                n.idx,
                "key-researcher-section",
                90.0,
                f"the only fitting author with a paper in {kr.section_key}",
            )
        elif fits:
            names.log.warn(
                "resolve.key-researcher-ambiguous",
                f"key researcher {kr.name!r} fits {len(fits)} people; kept apart",
                kr.prov,
            )


__all__ = ["match_key_researchers"]
