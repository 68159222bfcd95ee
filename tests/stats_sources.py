"""Counts established straight from the upstream files, independently of dlkg's parsers.

How each count is made (the same steps one does by hand with grep/awk on the two README files and
top100papers.bib):
- top-100 entries: the `- **Title**` bullets between the headings "### Understanding /
  Generalization / Transfer" and "### New papers" of the awesome README (100 of them);
- their years: the "(YYYY)" after the title; the one entry without it ("Semantic image
  segmentation ... CRFs") takes the year of its arXiv id 1412.7062 (20 + "14");
- their full author lists: the BibTeX record whose title equals the bullet's title after lower-
  casing and dropping everything but letters and digits (difflib ratio >= 0.9 for the spelling
  variants "modelling"/"modeling", "< 0.5MB"/"1MB"); two bullets have no record ("Spatial
  transformer network", "Neural Architectures for Named Entity Recognition") and count for nobody;
  people are keyed by family name and first given name as the BibTeX `Family, Given` writes them;
  a paper's last author is the last name of a list of two or more that does not end in "others";
- roadmap entries: lines starting `**[n]**` under a `## N.N` heading; the title is the quoted
  string ("**Title**" or "Title."); stars: the number of `:star:` on the line.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path


def norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@dataclass(frozen=True)
class Entry:
    title: str  # normalised
    year: int | None
    arxiv: frozenset[str]


def awesome_lines(upstream: Path) -> list[str]:
    return (upstream / "awesome-deep-learning-papers" / "README.md").read_text().splitlines()


def _entry(line: str) -> Entry | None:
    if not line.startswith("- "):
        return None
    found = (
        re.match(r"- \*\*(.+?)\*\*", line)
        or re.match(r"- (.+?) \(\d{4}\)", line)
        or re.match(r"- (.+?), [A-Z]\.", line)
    )
    if found is None:
        return None
    year = re.search(r"\((\d{4})\)", line)
    arxiv = frozenset(re.findall(r"(\d{4}\.\d{4,5})", line))
    if year is None and arxiv:  # the arXiv id's yymm gives the year
        return Entry(norm(found.group(1)), 2000 + int(min(arxiv)[:2]), arxiv)
    return Entry(norm(found.group(1)), int(year.group(1)) if year else None, arxiv)


def awesome_entries(upstream: Path, *, top100_only: bool) -> list[Entry]:
    lines = awesome_lines(upstream)
    start = lines.index("### Understanding / Generalization / Transfer")
    end = lines.index("### New papers" if top100_only else "## Acknowledgement")
    return [e for e in (_entry(line) for line in lines[start:end]) if e is not None]


def roadmap_entries(upstream: Path) -> list[tuple[str, Entry, int]]:
    """(section notation, entry, stars) for every numbered roadmap entry."""
    text = (upstream / "deep-learning-papers-reading-roadmap" / "README.md").read_text()
    # An entry may wrap (R-FCN in 3.2, Inceptionism's stars in 3.7): it runs to the next blank
    # line, heading or entry.
    records: list[tuple[str, str]] = []
    section = ""
    for line in text.splitlines():
        heading = re.match(r"#+ ?(\d\.\d)? ", line)
        if heading or not line.strip():
            section = heading.group(1) or section if heading else section
            records.append(("", ""))
        elif re.match(r"\*\*\[\d+\]\*\*", line):
            records.append((section, line))
        elif records and records[-1][1]:
            records[-1] = (records[-1][0], records[-1][1] + " " + line.strip())
    out: list[tuple[str, Entry, int]] = []
    for where, line in records:
        if not line:
            continue
        title = re.search(r'["“]\**(.+?)\**[."”]*["”]', line)
        arxiv = frozenset(re.findall(r"(\d{4}\.\d{4,5})", line))
        name = norm(title.group(1)) if title else ""
        out.append((where, Entry(name, None, arxiv), line.count(":star:")))
    return out


def same_work(a: Entry, b: Entry) -> bool:
    if a.title == b.title or a.arxiv & b.arxiv:
        return True
    return difflib.SequenceMatcher(None, a.title, b.title).ratio() > 0.92


@dataclass(frozen=True)
class AuthorCounts:
    papers: Counter[str]
    first: Counter[str]
    last: Counter[str]


def top100_author_counts(upstream: Path) -> AuthorCounts:
    bib = (upstream / "awesome-deep-learning-papers" / "top100papers.bib").read_text()
    # line-wise: author fields hold braces of their own ({\"a}), so no non-greedy {...}
    records = {
        norm(t): a for t, a in re.findall(r"title=\{(.+)\},\s*\n\s*author=\{(.+)\},?\s*\n", bib)
    }
    papers: Counter[str] = Counter()
    first: Counter[str] = Counter()
    last: Counter[str] = Counter()
    for entry in awesome_entries(upstream, top100_only=True):
        match = difflib.get_close_matches(entry.title, list(records), n=1, cutoff=0.9)
        if not match:
            continue
        names = [n.strip() for n in records[match[0]].split(" and ")]
        keys = [person_key(n) for n in names if "," in n]
        papers.update(set(keys))
        first[keys[0]] += 1
        if len(names) >= 2 and names[-1] != "others":
            last[keys[-1]] += 1
    return AuthorCounts(papers, first, last)


def person_key(bibtex_name: str) -> str:
    """ "Hinton, Geoffrey E" -> "hinton geoffrey"."""
    family, _, given = bibtex_name.partition(",")
    first_given = given.split()[0] if given.split() else ""
    return f"{norm(family)} {norm(first_given)}"


def display_key(name: str) -> str:
    """ "Geoffrey E. Hinton" -> "hinton geoffrey" (dlkg's display names are Given ... Family)."""
    words = name.split()
    return f"{norm(words[-1])} {norm(words[0])}"
