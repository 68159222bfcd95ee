"""The Chinese documents against the English lists they translate.

- What a translation adds: a year the English list does not state (or states differently), a
  venue the English entry does not name, a count of authors ("三位专家", three experts) that
  the English list contradicts.
- Names read wrongly: the blog turns "Hinton, Geoffrey E." into two people ("Hinton 与
  Geoffrey").
- Chinese titles that do not translate their English title: one that opens with another
  paper's Chinese title (it names that paper), Latin words the English title does not have,
  or a title far shorter than the English one (truncated).
- Typos: Chinese misspellings of technical terms (single-source), Latin words that are a
  transposition of a word the sources use elsewhere ("trikc", "SDG").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from rapidfuzz.distance import OSA

from ..model import Resolution
from ..records import Entry, Issue
from .common import CheckContext, records_by_paper, warning

# Misspellings of technical terms seen in Chinese machine-learning writing: written -> meant.
ZH_MISSPELLINGS = {"卷机": "卷积", "卷基": "卷积", "神精": "神经", "梯渡": "梯度"}
_COUNTS = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5}
# Organisations a commentary may credit, with their Chinese names.
_ORGS = {
    "Google": ("Google", "谷歌"),
    "DeepMind": ("DeepMind",),
    "Stanford": ("Stanford", "斯坦福"),
    "Microsoft": ("Microsoft", "微软"),
    "Baidu": ("Baidu", "百度"),
    "Facebook": ("Facebook", "脸书"),
    "OpenAI": ("OpenAI",),
}
_STARS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_VENUES = ("ICML", "NIPS", "CVPR", "ICLR", "ECCV", "ICCV", "AAAI", "ACL", "EMNLP", "ICASSP")
_YEAR = re.compile(r"(?<!\d)(19[89]\d|20[0-3]\d)(?!\d)")
_SPLIT = re.compile(r"([A-Z][a-z]+)\s*[与和、]\s*([A-Z][a-z]+)")
_LATIN = re.compile(r"[A-Za-z]{3,}")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_KEPT = "kept as written on the Chinese record; the paper's facts come from the English sources"


def check(ctx: CheckContext) -> None:
    """Chinese misspellings of technical terms in a translation's text."""
    if ctx.kind not in ("zh-roadmap-blog", "zh-awesome-list"):
        return
    for number, line in enumerate(ctx.lines, start=1):
        if re.search(r"《[^》]*\]\(", line):
            ctx.warn(
                "check.link-in-title",
                "a Markdown link inside a 《title》 splits the title",
                number,
                "the link text is read as part of the title",
            )
        for wrong, right in ZH_MISSPELLINGS.items():
            if wrong in line:
                ctx.warn(
                    "check.translation-typo",
                    f"{wrong!r} for {right!r}",
                    number,
                    "kept as written (commentary text)",
                )


def cross_check(resolution: Resolution) -> list[Issue]:
    issues: list[Issue] = []
    records = records_by_paper(resolution)
    vocabulary = _vocabulary(resolution)
    anagrams = _anagrams(vocabulary)
    zh_heads: dict[str, list[tuple[str, Entry]]] = {}
    for item in resolution.items:
        e = item.entry
        english = [
            r for r in records[item.paper_key] if isinstance(r, Entry) and r.title_lang == "en"
        ]
        if e.list_id == "zh-awesome" and e.title_lang != "en":
            issues += _added_facts(e, [r for r in english if r.list_id == "awesome"], "")
            head = re.split(r"[：:]", e.title)[0].strip()
            zh_heads.setdefault(head, []).append((item.paper_key, e))
            issues += _title_words(e, english)
        if e.list_id == "zh-roadmap-blog" and e.commentary:
            roadmap = [r for r in english if r.list_id == "roadmap"]
            issues += _added_facts(e, roadmap, e.commentary)
            issues += _blog_names(e, roadmap)
            issues += _latin_typos(e, vocabulary, anagrams)
    for head, entries in zh_heads.items():
        papers = {key for key, _ in entries}
        if len(papers) < 2 or len(head) < 2:
            continue
        for key, e in entries[1:]:
            first_key, first = entries[0]
            if key != first_key:
                issues.append(
                    warning(
                        "cross.zh-title-names-other-paper",
                        f"Chinese title {e.title!r} opens like {first.title!r} ({first.prov}), "
                        f"the title of another paper",
                        e.prov,
                        _KEPT,
                    )
                )
    return issues


def _added_facts(e: Entry, english: list[Entry], text: str) -> list[Issue]:
    issues: list[Issue] = []
    if not english:
        return issues
    stated = {r.year for r in english if r.year}
    said = {e.year} if e.year else {int(y) for y in _YEAR.findall(text)}
    for year in sorted(said - stated):
        code = "cross.translation-year-differs" if stated else "cross.translation-adds-year"
        what = f"the English list says {sorted(stated)}" if stated else "the English list has none"
        issues.append(warning(code, f"the translation states {year}; {what}", e.prov, _KEPT))
    if "今年" in text and not stated:
        issues.append(
            warning(
                "cross.translation-adds-year",
                "the translation dates the paper 'this year' (今年); the English list has no year",
                e.prov,
                _KEPT,
            )
        )
    english_text = " ".join(f"{r.title} {r.venue or ''} {r.note or ''}" for r in english)
    credited = [
        org
        for org, names in _ORGS.items()
        if any(n in text for n in names) and org.lower() not in english_text.lower()
    ]
    if credited:
        issues.append(
            warning(
                "cross.translation-adds-detail",
                f"the translation credits {' '.join(credited)}; the English entry does not",
                e.prov,
                _KEPT,
            )
        )
    stars = re.search(r"([一二两三四五])星推荐", text)
    rated = [r.stars for r in english if r.stars]
    if stars and rated and _STARS[stars.group(1)] != rated[0]:
        issues.append(
            warning(
                "cross.translation-stars-differ",
                f"the translation recommends {stars.group(0)}; {english[0].prov} rates "
                f"{rated[0]} stars",
                e.prov,
                _KEPT,
            )
        )
    for venue in _VENUES:
        if re.search(rf"\b{venue}\b", text) and not re.search(rf"\b{venue}\b", english_text, re.I):
            issues.append(
                warning(
                    "cross.translation-adds-venue",
                    f"the translation names {venue}; the English entry does not",
                    e.prov,
                    _KEPT,
                )
            )
    return issues


def _blog_names(e: Entry, roadmap: list[Entry]) -> list[Issue]:
    issues: list[Issue] = []
    for r in roadmap[:1]:
        for a, b in _SPLIT.findall(e.commentary or ""):
            if f"{a}, {b}" in (r.authors_text or ""):
                issues.append(
                    warning(
                        "cross.translation-name-split",
                        f"'{a}, {b}' ({r.prov}) is one person; the translation writes "
                        f"'{a} 与/和 {b}' as two",
                        e.prov,
                        _KEPT,
                    )
                )
        count = re.search(r"([两二三四五])位", e.commentary or "")
        if count and r.authors_complete and _COUNTS[count.group(1)] != len(r.authors):
            issues.append(
                warning(
                    "cross.translation-author-count",
                    f"the translation counts {_COUNTS[count.group(1)]} authors ({count.group(0)}); "
                    f"{r.prov} lists {len(r.authors)}",
                    e.prov,
                    _KEPT,
                )
            )
    return issues


def _title_words(e: Entry, english: list[Entry]) -> list[Issue]:
    """Latin words of a Chinese title missing from the English title, and a Chinese title far
    shorter than its English one."""
    if not english:
        return []
    original = english[0].title
    extra = [w for w in _LATIN.findall(e.title) if w.lower() not in original.lower()]
    issues = []
    if extra:
        issues.append(
            warning(
                "cross.zh-title-names-other-paper",
                f"Chinese title {e.title!r} has {extra}, which {original!r} does not",
                e.prov,
                _KEPT,
            )
        )
    cjk = len(_CJK.findall(e.title)) + len(_LATIN.findall(e.title))
    words = len(original.split())
    if words >= 6 and cjk < words:
        issues.append(
            warning(
                "cross.zh-title-truncated",
                f"Chinese title {e.title!r} is short for {original!r} ({words} words)",
                e.prov,
                _KEPT,
            )
        )
    return issues


def _vocabulary(resolution: Resolution) -> Counter[str]:
    words: Counter[str] = Counter()
    for item in resolution.items:
        e = item.entry
        for text in (e.title, e.note or "", e.venue or "", e.commentary or ""):
            for w in _LATIN.findall(text):
                low = w.lower()
                words[low] += 1
                if low.endswith("s"):
                    words[low[:-1]] += 1  # "tricks" also vouches for "trick"
    return words


def _anagrams(vocabulary: Counter[str]) -> dict[str, list[str]]:
    """The words used more than once, by their sorted letters, in the vocabulary's order.

    A transposition has the same letters, so a word's candidates are one lookup; scanning
    the whole vocabulary per blog entry grew with the square of the sources (x100: 105 s)."""
    out: dict[str, list[str]] = defaultdict(list)
    for known, count in vocabulary.items():
        if count > 1:
            out["".join(sorted(known))].append(known)
    return out


def _latin_typos(e: Entry, vocabulary: Counter[str], anagrams: dict[str, list[str]]) -> list[Issue]:
    """Latin words of the commentary used once that are a transposition of a known word."""
    issues = []
    for word, digit in set(re.findall(r"\b([A-Za-z]{4,})(\d)(?![\d.])", e.commentary or "")):
        if vocabulary[word.lower()] > 1:
            issues.append(
                warning(
                    "cross.translation-typo",
                    f"a stray digit after {word!r}: {word + digit!r}",
                    e.prov,
                    "kept as written (commentary text)",
                )
            )
    for word in set(_LATIN.findall(e.commentary or "")):
        low = word.lower()
        if vocabulary[low] > 1:
            continue
        for known in anagrams.get("".join(sorted(low)), ()):
            if known != low and OSA.distance(known, low) == 1:
                issues.append(
                    warning(
                        "cross.translation-typo",
                        f"{word!r} for {known!r}",
                        e.prov,
                        "kept as written (commentary text)",
                    )
                )
                break
    return issues
