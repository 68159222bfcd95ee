"""Hypothesis properties of the English markdown parsers (STYLE.md habit 15).

- they never raise, whatever the text;
- every entry-looking line becomes an entry or an "unparsable-entry" issue;
- parsing is deterministic and positions, keys and line numbers are consistent.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlkg.parse.awesome import parse_awesome
from dlkg.parse.markdown import entry_issues, odd_characters, split_authors, split_lines
from dlkg.parse.roadmap import parse_roadmap
from dlkg.records import ParseResult

# Pieces of both formats, so that random texts reach the interesting branches.
FRAGMENTS = [
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    " ",
    "\t",
    "# ",
    "## ",
    "### ",
    "#### ",
    "#2 ",
    "# 1 ",
    "## 2.1 ",
    "## Contents\n",
    "* [A](#a)\n",
    "*(More than Top 100)*\n",
    "* * *\n",
    "---\n",
    "- ",
    "* ",
    "+ ",
    "**",
    "**[3]** ",
    "[12] ",
    "[[pdf]](",
    "[[Web]] (",
    "(",
    ")",
    "))",
    "(2015)",
    "(2014, ",
    "(Book, Jan 2017)",
    "(2017):",
    ", ",
    ". ",
    ";",
    " et al.",
    " et. al.",
    "etal.",
    " and ",
    '"',
    "“",
    "”",
    ":star:",
    "**(note)**",
    "*(2016)*\n",
    "*(~2014)*\n",
    "<!--",
    "-->",
    "<!---[Key researchers] ",
    "[Name](https://x.org/a)",
    "[Name]",
    "https://x.org/(b)",
    "A. Name",
    "Family, Given",
    "P.O.",
    "Title",
    "\ufffc",
    "２",
    "> ",
    "arXiv:1409.1556",
]
markdownish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=60).map(
    "".join
)
texts = st.one_of(st.text(), markdownish)

PARSERS: list[Callable[..., ParseResult]] = [parse_awesome, parse_roadmap]
PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def check_consistent(result: ParseResult, text: str) -> None:
    n_lines = len(split_lines(text))
    assert len(result.entries) + len(entry_issues(result)) == result.candidate_lines
    assert [e.position for e in result.entries] == list(range(1, len(result.entries) + 1))
    keys = [s.key for s in result.sections]
    assert len(keys) == len(set(keys))
    assert {e.section_key for e in result.entries} <= set(keys)
    assert {s.parent_key for s in result.sections} - {None} <= set(keys)
    assert all(e.title for e in result.entries)
    for entry in result.entries:
        assert 1 <= entry.prov.line <= (entry.end_line or entry.prov.line) <= n_lines
        assert entry.stars is None or entry.stars >= 1
        assert all(link.kind == link.kind.lower() for link in entry.links)
    for issue in result.issues:
        assert issue.where is not None and 1 <= issue.where.line <= n_lines
    for researcher in result.key_researchers:
        assert researcher.section_key in keys and researcher.name


@pytest.mark.parametrize("parse", PARSERS, ids=["awesome", "roadmap"])
@PROPERTY_SETTINGS
@given(text=texts)
def test_never_raises_and_accounts_for_every_candidate(
    parse: Callable[..., ParseResult], text: str
) -> None:
    result = parse(text, source_id="prop", path="prop.md")
    assert result.source_id == "prop"
    check_consistent(result, text)


@pytest.mark.parametrize("parse", PARSERS, ids=["awesome", "roadmap"])
@PROPERTY_SETTINGS
@given(text=texts)
def test_deterministic(parse: Callable[..., ParseResult], text: str) -> None:
    assert parse(text) == parse(text)


@pytest.mark.parametrize("parse", PARSERS, ids=["awesome", "roadmap"])
@PROPERTY_SETTINGS
@given(before=texts, after=texts)
def test_blank_separated_prose_does_not_change_candidates(
    parse: Callable[..., ParseResult], before: str, after: str
) -> None:
    """A prose paragraph added between blank lines adds no candidate and no entry."""
    base = parse(before + "\n\n" + after)
    more = parse(before + "\n\nJust a sentence of prose.\n\n" + after)
    assert more.candidate_lines == base.candidate_lines
    assert [e.title for e in more.entries] == [e.title for e in base.entries]


@PROPERTY_SETTINGS
@given(text=texts)
def test_split_authors_never_raises(text: str) -> None:
    result = split_authors(text)
    assert all(name and name == name.strip() for name in result.names)
    assert split_authors(text) == result


@settings(max_examples=2000, deadline=None)
@given(text=st.text(alphabet=st.characters(), max_size=30))
def test_odd_characters_found_with_or_without_the_printable_shortcut(text: str) -> None:
    # the loop over every character, as before the shortcut for printable text
    slow = sorted(
        {
            f"U+{ord(c):04X}"
            for c in text
            if c not in "\t\n\r"
            and (unicodedata.category(c) in {"Cc", "Cf", "Co", "Cs", "Cn"} or c in "\ufffc\ufffd")
        }
    )
    assert odd_characters(text) == slow
    assert odd_characters("Deep 学习\u3000x\ufffc") == ["U+FFFC"]
