"""The issue catalogue covers exactly the codes the pipeline can emit, and docs/issues.md is it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from code_scan import scan

import dlkg
from dlkg import sources
from dlkg.catalogue import PREFIXES, catalogue, markdown
from dlkg.cli import main
from helpers import REPO_ROOT

PACKAGE = Path(dlkg.__file__).resolve().parent
# Code templates the scanner cannot expand by itself, and the codes each one produces.
TEMPLATES = {
    # resolve: `for kind in ("arxiv", "doi")` around the warning
    "resolve.{kind}-conflict": ("resolve.arxiv-conflict", "resolve.doi-conflict"),
    # SourceKind.code: the codes come from the parsers that call it (shape 2b of code_scan)
    "{self.prefix}.{suffix}": (),
    # a page's alternate file name (`paper/x.ttl`), not a code
    "{path}.{fmt.extension}": (),
    "dlkg.{f.extension}": (),  # a dump's file name
}
# Hyphenated literals of the prefix-building parsers that are not code suffixes.
NOT_CODES = frozenset({"awesome-readme", "roadmap-readme"})  # default source ids


def _scan() -> Any:
    prefixes = {kind.name: kind.prefix for kind in sources.kinds()}
    return scan(PACKAGE, PREFIXES, TEMPLATES, NOT_CODES | set(prefixes), prefixes)


def test_every_code_the_source_can_emit_is_catalogued() -> None:
    found = _scan()
    assert not found.undeclared, f"declare these code templates in TEMPLATES: {found.undeclared}"
    missing = {code: sorted(places) for code, places in found.codes.items()}
    missing = {code: places for code, places in missing.items() if code not in catalogue()}
    assert not missing, f"add to pipeline/dlkg/issues.toml: {missing}"


def test_every_catalogue_entry_is_used_somewhere() -> None:
    unused = sorted(set(catalogue()) - set(_scan().codes))
    assert not unused, f"no code emits these; remove them from issues.toml: {unused}"


def test_the_scan_finds_each_shape_of_code() -> None:
    """Whole literals, module prefix + literal suffix, shared helpers, declared templates."""
    codes = _scan().codes
    assert "resolve.year-conflict" in codes  # a literal
    assert "awesome.no-year-no-authors" in codes  # st.warn suffix in the awesome parser
    assert "roadmap.link-space" in codes  # a suffix from markdown.link_oddities
    assert "awesome.unparsable-entry" in codes  # f"{list_id}.{UNPARSABLE_ENTRY}" via a caller
    assert "resolve.doi-conflict" in codes  # a declared template
    assert len(codes) >= 100


def test_docs_issues_md_is_current(update_golden: bool) -> None:
    path = REPO_ROOT / "docs" / "issues.md"
    if update_golden:
        path.write_text(markdown(), encoding="utf-8")
    assert path.read_text(encoding="utf-8") == markdown(), "run pytest --update-golden"


def test_dlkg_issues_explains_a_code_and_refuses_an_unknown_one() -> None:
    runner = CliRunner()
    known = runner.invoke(main, ["issues", "bib.no-year"])
    assert known.exit_code == 0
    assert known.output.startswith("bib.no-year (warning)\n")
    assert catalogue()["bib.no-year"].action in known.output
    unknown = runner.invoke(main, ["issues", "bib.nothing"])
    assert unknown.exit_code == 2
    assert "unknown issue code 'bib.nothing'" in unknown.output
    full = runner.invoke(main, ["issues", "--markdown"])
    assert full.output == markdown()


def test_a_real_build_reports_only_catalogued_codes_at_their_level(built: Any) -> None:
    _settings, report = built
    kinds = catalogue()
    assert report.issues
    for issue in report.issues:
        assert issue.code in kinds, issue
        assert issue.level.value in kinds[issue.code].level, issue


# --- the catalogue in Chinese ------------------------------------------------------------------

CJK = re.compile(r"[\u3400-\u9fff]")
# What stays as it is in a translation: code, options, file names and paths, Markdown and list
# syntax, placeholders, BibTeX types, and the quoted examples of what a source wrote.
LITERAL = re.compile(
    r"`[^`]+`|--[a-z][\w-]*|\b[\w-]+(?:/[\w-]+(?:\.\w+)*)+/?|\b[\w-]+\.(?:py|md|tsv|bib|html)\b"
    r"|\[\[?\w+\]\]?(?:\(url\))?|\*\*|\(url\)|\(year\)|:star:|《》|U\+XXXX|<[\w-]+>|@\w+"
    r"|(?<!\w)'[^'\s][^']*'(?!\w)|\"et al\.\""  # quoted examples: 'et al.', 'SGD:Training'
)


def test_every_entry_has_its_meaning_and_action_in_chinese() -> None:
    for code, kind in catalogue().items():
        for english, chinese in ((kind.meaning, kind.meaning_zh), (kind.action, kind.action_zh)):
            assert CJK.search(chinese), f"{code}: no Chinese in {chinese!r}"
            assert chinese.strip() == chinese and "\n" not in chinese, code
            for token in LITERAL.findall(english):
                assert token in chinese, f"{code}: {token!r} is missing from {chinese!r}"
        assert kind.meaning_in("zh-Hans") == kind.meaning_zh
        assert kind.action_in("en") == kind.action


def test_an_entry_without_its_chinese_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dlkg.catalogue as module

    text = module.catalogue_path().read_text(encoding="utf-8")
    broken = tmp_path / "issues.toml"
    broken.write_text(re.sub(r'(?m)^action_zh = ".*"\n', "", text, count=1), encoding="utf-8")
    monkeypatch.setattr(module, "catalogue_path", lambda: broken)
    module.catalogue.cache_clear()
    try:
        with pytest.raises(ValueError, match="needs exactly"):
            module.catalogue()
    finally:
        module.catalogue.cache_clear()


def test_dlkg_issues_shows_the_chinese_after_the_english() -> None:
    shown = CliRunner().invoke(main, ["issues", "bib.no-year"]).output
    kind = catalogue()["bib.no-year"]
    assert shown.index(kind.action) < shown.index(kind.meaning_zh) < shown.index(kind.action_zh)
