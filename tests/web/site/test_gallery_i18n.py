"""The gallery in both languages: every query of queries/ says what it asks in English and in
Chinese (`#+ summary_zh:` / `#+ description_zh:`), and a Chinese page shows the Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dlkg.web.site.home import load_gallery, parse_query_file

from ..helpers import Call, load_store, make_call, site_over

QUERIES = Path(__file__).resolve().parents[3] / "queries"
CJK = re.compile(r"[\u3400-\u9fff]")


def test_every_gallery_query_has_both_languages() -> None:
    gallery = load_gallery(QUERIES)
    assert len(gallery) >= 18
    for q in gallery:
        for english, chinese in ((q.summary, q.summary_zh), (q.description, q.description_zh)):
            assert english and not CJK.search(english.replace("等人", "")), q.name
            assert CJK.search(chinese), f"{q.name}: no Chinese: {chinese!r}"
            # the technical tokens of the English are kept in the Chinese
            for token in re.findall(r"`[^`]+`|\b[a-z]+:[A-Za-z]+\b|\d{4}\.\d{5}", english):
                assert token in chinese, f"{q.name}: {token} is missing from {chinese!r}"


def test_the_chinese_falls_back_to_english_where_none_is_written() -> None:
    q = parse_query_file("x", "#+ summary: One\n#+ summary_zh: 一\n#+ description: two\nASK {}")
    assert (q.summary_in("zh-Hans"), q.summary_in("en")) == ("一", "One")
    assert (q.description_in("zh-Hans"), q.description_in("en")) == ("two", "two")


@pytest.fixture()
def real_gallery(build_dir: Path) -> Call:
    """The small page store with the real queries/ gallery."""
    return make_call(site_over(load_store("pages_small.trig"), build_dir, queries_dir=QUERIES))


@pytest.mark.parametrize("path", ["/", "/query"])
def test_a_chinese_page_shows_the_chinese_summaries(real_gallery: Call, path: str) -> None:
    chinese = real_gallery(path, accept_language="zh-CN").body.decode()
    english = real_gallery(path, accept_language="en").body.decode()
    hinton = re.compile(r'data-name="01-top100-papers-by-hinton"[^>]*>([^<]+)</a>')
    found_zh, found_en = hinton.search(chinese), hinton.search(english)
    assert found_zh and found_en
    assert found_zh.group(1) == "前 100 篇论文中，哪些有 Geoffrey Hinton 参与合著？"
    assert found_en.group(1) == "Which top-100 papers did Geoffrey Hinton co-author?"
    assert "超赞列表前 100 篇各章节中" in chinese and "超赞列表前 100 篇各章节中" not in english
