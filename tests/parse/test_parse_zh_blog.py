"""parse_zh_blog: commentary paragraphs, 《title》 with inner links, [n] reference lines."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from dlkg.parse.zh_blog import DROPPED_CODES, parse_zh_blog
from dlkg.records import Link, ParseResult


def parse_fixture(fixtures_dir: Path, name: str) -> ParseResult:
    return parse_zh_blog((fixtures_dir / name).read_text(encoding="utf-8"), path=name)


def codes(result: ParseResult) -> list[tuple[str, int]]:
    return [(i.code, i.where.line if i.where else 0) for i in result.issues]


def dropped(result: ParseResult) -> int:
    return sum(issue.code in DROPPED_CODES for issue in result.issues)


def test_paragraph_spread_over_lines(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "zh_blog_paragraph_over_lines.md")
    first, second = result.entries
    assert (first.number, first.title, first.title_lang) == (
        "1",
        "An Example Paper on Dropout",
        "en",
    )
    assert (first.prov.line, first.end_line) == (7, 10)
    assert "而 Dropout 是处理" in (first.commentary or "")  # the wrapped line keeps its space
    assert first.recommendation == "五星推荐"
    assert first.links == (Link("https://example.org/1.pdf", "url"),)
    # two paragraphs before [2] form one commentary; the title comes from the one quoting it
    assert (second.title, second.prov.line, second.end_line) == ("A Second Example Paper", 12, 17)
    assert second.commentary == (
        "第一段只是背景介绍，没有书名。\n\n"
        "第二段介绍《A Second Example Paper》，它提出了新的 ROW LSTM 层。"
    )
    assert second.recommendation is None
    # the introduction before the first heading quotes a book but is not an entry
    assert result.candidate_lines == 2 and result.issues == []
    assert [(s.key, s.title, s.lang, s.parent_key) for s in result.sections] == [
        ("2.1", "深度学习模型", "zh-Hans", "2")
    ]


def test_link_inside_title_and_image_line(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "zh_blog_link_inside_title.md")
    (entry,) = result.entries
    assert entry.title == "Pixel recurrent neural networks"
    assert entry.commentary == "《Pixel recurrent neural networks》是一篇获奖论文，参见机器学习。"
    assert (entry.number, entry.section_key, entry.prov.line) == ("17", "2.3", 5)


def test_reference_without_paragraph_and_paragraph_without_reference(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "zh_blog_reference_without_paragraph.md")
    adam, orphan = result.entries
    assert (adam.number, adam.title) == ("8", "Adam-like optimizer")
    assert (orphan.number, orphan.links, orphan.end_line) == (None, (), None)
    assert orphan.title == "A Paper Without Reference"
    assert codes(result) == [
        ("zh-blog.reference-without-paragraph", 7),
        ("zh-blog.no-reference", 9),
    ]
    assert result.candidate_lines == 3 == len(result.entries) + dropped(result)


def test_unknown_heading_and_bare_url(fixtures_dir: Path) -> None:
    result = parse_fixture(fixtures_dir, "zh_blog_unknown_heading.md")
    (known,) = result.entries
    assert known.links == (Link("https://example.org/1.pdf", "url"),)
    assert codes(result) == [
        ("zh-blog.unknown-heading", 7),
        ("zh-blog.entry-in-unknown-section", 9),
        ("zh-blog.entry-in-unknown-section", 13),
    ]
    assert result.candidate_lines == 3 == len(result.entries) + dropped(result)


_BLOG_PIECES = st.sampled_from(
    [
        "**1.深度学习模型**",
        "**2. 深度学习优化**",
        "**9. 未知**",
        "# 标题",
        "## 小节",
        "《",
        "》",
        "[3] [https://a.b/c.pdf](https://a.b/c.pdf)",
        "[4]",
        "[x](http://y)",
        "![img](http://z)",
        "五星推荐",
        " ",
        "",
        "\r",
    ]
)
_BLOG_TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(st.lists(st.one_of(_BLOG_PIECES, st.text(max_size=5)), max_size=5), max_size=25).map(
        lambda lines: "\n".join("".join(parts) for parts in lines)
    ),
)


@settings(max_examples=300, deadline=None)
@given(_BLOG_TEXT)
def test_never_raises_and_accounts_for_every_candidate(text: str) -> None:
    result = parse_zh_blog(text)
    assert len(result.entries) + dropped(result) == result.candidate_lines
    references = sum(1 for line in text.split("\n") if re.match(r"\s*\[\d+\](?!\()", line))
    assert result.candidate_lines >= sum(e.number is not None for e in result.entries)
    assert sum(e.number is not None for e in result.entries) <= references
    for entry in result.entries:
        assert entry.title and entry.section_key in {"2.1", "2.2", "2.3"}


def test_real_zh_blog(sources_dir: Path) -> None:
    text = (sources_dir / "zh-roadmap-blog-part2.md").read_text(encoding="utf-8")
    result = parse_zh_blog(text)
    # Pinned with `grep -c '^\[[0-9]*\] '` (18) and an awk count per bold heading (6/5/7).
    assert result.candidate_lines == 18 == len(result.entries)
    assert result.issues == []
    assert Counter(e.section_key for e in result.entries) == {"2.1": 6, "2.2": 5, "2.3": 7}
    assert [e.number for e in result.entries] == [str(n) for n in range(1, 19)]
    assert [(s.key, s.prov.line) for s in result.sections] == [
        ("2.1", 22),
        ("2.2", 49),
        ("2.3", 71),
    ]
    lines = text.split("\n")
    for entry in result.entries:
        assert entry.end_line is not None
        assert lines[entry.end_line - 1].startswith(f"[{entry.number}] ")
        assert len(entry.links) == 1 and entry.links[0].url in lines[entry.end_line - 1]
        assert f"《{entry.title}" in strip_links(lines[entry.prov.line - 1])
    by_number = {e.number: e for e in result.entries}
    assert by_number["17"].title == "Pixel recurrent neural networks"
    assert by_number["2"].title.startswith("Dropout: a simple way")
    assert (by_number["2"].prov.line, by_number["2"].end_line) == (28, 31)
    recommended = sorted(int(n) for n, e in by_number.items() if e.recommendation == "五星推荐")
    assert recommended == [6, 9, 10, 14, 16]  # `grep -n 五星推荐`: lines 45, 59, 63, 81, 90
    assert not any("](" in (e.commentary or "") for e in result.entries)


def strip_links(line: str) -> str:
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)


def test_text_without_headings_is_introduction_only() -> None:
    result = parse_zh_blog("# 标题\n\n引言提到《Some Paper》。\n\n[1] https://example.org/1.pdf\n")
    assert (result.entries, result.candidate_lines) == ([], 0)
    assert codes(result) == [("zh-blog.no-sections", 1)]
