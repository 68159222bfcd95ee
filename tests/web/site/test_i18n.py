"""The bilingual interface: the catalogue is complete, the language is chosen as documented."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from dlkg.catalogue import CATEGORIES
from dlkg.web.site import i18n
from dlkg.web.site.render import environment
from dlkg.web.site.static_files import STATIC_DIR

from ..helpers import Call, vary_names

TEMPLATES = STATIC_DIR.parent / "templates"
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
# Names that read the same in both languages (formats, standards, identifiers, symbols).
SAME_IN_BOTH = {"col.number", "paper.arxiv", "paper.doi"}


def test_every_key_has_both_languages() -> None:
    for key, (en, zh) in i18n.MESSAGES.items():
        assert en.strip() and zh.strip(), key
        if key not in SAME_IN_BOTH:
            assert CJK.search(zh), f"{key}: the Chinese text has no Chinese: {zh!r}"
            assert not CJK.search(en), f"{key}: the English text has Chinese: {en!r}"
        # the same {fields} in both, so either fills in from the same values
        assert set(re.findall(r"\{(\w+)\}", en)) == set(re.findall(r"\{(\w+)\}", zh)), key


def test_every_key_the_templates_and_the_script_use_exists() -> None:
    used = set()
    for path in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r'\bt\("([\w.]+)"', path.read_text(encoding="utf-8")))
        used |= set(re.findall(r'\("(item\.[\w.]+)", dlkg', path.read_text(encoding="utf-8")))
    for path in TEMPLATES.parent.glob("*.py"):  # page titles: title_key="downloads.title"
        used |= set(re.findall(r'title_key"?[=:] ?"([\w.]+)"', path.read_text(encoding="utf-8")))
    script = (STATIC_DIR / "query.js").read_text(encoding="utf-8")
    used |= {"js." + k for k in re.findall(r'\bmsg\("(\w+)"', script)}
    assert used, "no keys found: the patterns above are stale"
    assert sorted(used - set(i18n.MESSAGES)) == []
    # js.* keys go to query.js as a whole; status.* keys are named by the error's status code,
    # category.* keys by the catalogue's categories (checked below)
    named = ("js.", "status.", "category.", "err.")
    unused = {k for k in set(i18n.MESSAGES) - used if not k.startswith(named)}
    assert sorted(unused) == []


def test_every_issue_category_has_a_name_and_a_description_in_both_languages() -> None:
    keys = {k for k in i18n.MESSAGES if k.startswith("category.")}
    assert keys == {f"category.{c}{end}" for c in CATEGORIES for end in ("", ".about")}
    for name, about in CATEGORIES.items():
        assert i18n.MESSAGES[f"category.{name}"][0] == name  # as `dlkg issues` names it
        assert i18n.MESSAGES[f"category.{name}.about"][0] == about


# What may stay as it is in a template's own text: format and standard names, symbols.
# file formats, acronyms and the words of commands shown as code
_ALLOWED_WORDS = {"CSV", "JSON", "Turtle", "N", "Triples", "LD", "SPARQL", "dlkg", "sha256", "DOI"}
_ALLOWED_WORDS |= {
    "serve",
    "allow",
    "service",
    "diff",
}  # `dlkg serve --allow-service URL`, `dlkg diff`
_ALLOWED_WORDS |= {"issues", "CODE", "link"}  # `dlkg issues CODE`, `dlkg link` (report.html)


def test_templates_hold_no_untranslated_text() -> None:
    """Every word a template writes itself comes from the catalogue (data aside)."""
    env = environment()
    for path in sorted(TEMPLATES.glob("*.html")):
        source = path.read_text(encoding="utf-8")
        text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", source, flags=re.S)
        text = re.sub(r"<script.*?</script>|<[^>]*>|&\w+;", " ", text, flags=re.S)
        words = set(re.findall(r"[A-Za-z][A-Za-z0-9]+", text)) - _ALLOWED_WORDS
        assert not words, f"{path.name}: {sorted(words)}"
        env.get_template(path.name)  # and every template still parses


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, "en"), ("", "en"), ("zh-CN,zh;q=0.9,en;q=0.8", "zh-Hans"), ("zh-Hans", "zh-Hans"),
     ("zh-TW", "zh-Hans"), ("en-US,en;q=0.9,zh;q=0.8", "en"), ("fr, zh;q=0.5", "zh-Hans"),
     ("fr", "en"), ("*", "en"), ("en;q=0.2, zh;q=0.8", "zh-Hans"), ("zh;q=0, en", "en")],
)  # fmt: skip
def test_accept_language_picks_the_preferred_interface(header: str | None, expected: str) -> None:
    assert (i18n.from_accept_language(header) or "en") == expected


class _Text(HTMLParser):
    """The text of a page's <nav> and <h2> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.depth += tag in ("nav", "h2")

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag in ("nav", "h2")

    def handle_data(self, data: str) -> None:
        if self.depth > 0:
            self.parts.append(data)


def nav_text(page: bytes) -> str:
    parser = _Text()
    parser.feed(page.decode("utf-8"))
    return " ".join(parser.parts)


def test_chinese_reader_gets_the_chinese_interface(call: Call) -> None:
    page = call("/person/hinton-g", accept_language="zh-CN,zh;q=0.9,en;q=0.8")
    text = page.body.decode()
    assert '<html lang="zh-Hans">' in text
    assert "首页" in nav_text(page.body) and "合著者" in nav_text(page.body)
    assert "Home" not in nav_text(page.body)
    assert {"Accept-Language", "Cookie"} <= vary_names(dict(page.headers))
    english = call("/person/hinton-g", accept_language="en-GB")
    assert '<html lang="en">' in english.body.decode() and "Co-authors" in nav_text(english.body)


def test_lang_parameter_sets_a_cookie_that_later_pages_keep(call: Call) -> None:
    chosen = call("/", query={"lang": ["zh"]}, accept_language="en")
    cookie = dict(chosen.headers)["Set-Cookie"]
    assert cookie.startswith("dlkg-lang=zh-Hans;") and "Path=/;" in cookie
    assert '<html lang="zh-Hans">' in chosen.body.decode()
    later = call("/list/awesome", accept_language="en", cookie="dlkg-lang=zh-Hans")
    assert '<html lang="zh-Hans">' in later.body.decode()
    assert "Set-Cookie" not in dict(later.headers)
    back = call("/list/awesome", query={"lang": ["en"]}, cookie="dlkg-lang=zh-Hans")
    assert '<html lang="en">' in back.body.decode()
    proxied = call("/", query={"lang": ["en"]}, x_forwarded_prefix="/dlkg")
    assert "Path=/dlkg;" in dict(proxied.headers)["Set-Cookie"]


def test_switch_links_keep_the_page_and_its_query(call: Call) -> None:
    page = call("/query", query={"example": ["01"], "lang": ["en"]}).body.decode()
    switch = re.search(r'<p class="languages".*?</p>', page, re.S)
    assert switch
    assert 'href="/query?example=01&amp;lang=zh"' in switch.group(0)
    assert '<strong lang="en">English</strong>' in switch.group(0)


def test_chinese_names_beside_english_ones_chinese_first_for_chinese_readers(call: Call) -> None:
    path = "/list/awesome"
    english = call(path, accept_language="en").body.decode()
    assert re.search(r"Understanding / Generalization / Transfer</span> · <span[^>]*>理解", english)
    chinese = call(path, accept_language="zh").body.decode()
    assert re.search(r"理解 / 泛化 / 迁移</span> · <span[^>]*>Understanding", chinese)
    paper = call("/paper/arxiv-1503.02531", accept_language="zh").body.decode()
    # the engine stores language tags lower-cased
    assert re.search(r'<p class="title-zh" lang="zh-hans">蒸馏神经网络中的知识</p>', paper, re.I)


def test_home_title_in_the_readers_language_with_the_other_beside(call: Call) -> None:
    english = call("/", accept_language="en").body.decode()
    assert "<h1>dlkg: deep-learning papers knowledge graph</h1>" in english
    assert re.search(r'<p class="title-zh" lang="zh-Hans">dlkg：深度学习论文知识图谱</p>', english)
    chinese = call("/", accept_language="zh").body.decode()
    assert '<h1 lang="zh-Hans">dlkg：深度学习论文知识图谱</h1>' in chinese
    assert "篇论文" in chinese and ">papers<" not in chinese


def test_error_pages_say_the_status_in_the_readers_language(call: Call) -> None:
    missing = call("/person/nobody", accept_language="zh")
    assert missing.status == 404
    assert "<h1>404 · 未找到</h1>" in missing.body.decode()
    assert "Accept-Language" in vary_names(dict(missing.headers))
    assert "<h1>404 · Not found</h1>" in call("/person/nobody").body.decode()


def test_the_stats_page_follows_the_same_choice(call: Call) -> None:
    chosen = call("/stats", cookie="dlkg-lang=zh-Hans", accept_language="en")
    assert chosen.status == 200 and '<html lang="zh-Hans"' in chosen.body.decode()
    assert "Cookie" in vary_names(dict(chosen.headers))
