"""`dlkg lint`: text, GitHub and JSON output, kinds, contribution rules, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from dlkg.cli import main
from dlkg.lint import guess_kind

CLEAN = (
    "# A list\n\n## Contents\n\n* [Models](#models)\n\n### Models\n"
    "- **Adam: A method for stochastic optimization** (2014), D. Kingma and J. Ba "
    "[[pdf]](https://arxiv.org/pdf/1412.6980)\n"
)


def lint(*args: str, build_dir: Path | None = None) -> Any:
    prefix = ["--build-dir", str(build_dir)] if build_dir else []
    return CliRunner().invoke(main, [*prefix, "lint", *args])


def test_a_clean_list_exits_0_and_prints_nothing(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text(CLEAN, encoding="utf-8")
    result = lint(str(path))
    assert result.exit_code == 0, result.output
    assert result.output == ""


def test_text_output_is_file_line_col_level_code_message(fixtures_dir: Path) -> None:
    path = fixtures_dir / "awesome_messy_urls.md"
    result = lint(str(path))
    assert result.exit_code == 1  # line 15 repeats the paper of line 14: an error
    lines = result.output.splitlines()
    line = next(x for x in lines if "check.odd-port" in x)
    url = "http://www.davidqiu.com:8888/research/nature14236.pdf"
    col = path.read_text(encoding="utf-8").splitlines()[10].index(url) + 1
    assert line.startswith(f"{path}:11:{col}: warning check.odd-port the host answers on port 8888")


def test_warnings_exit_0_and_strict_fails_on_them(fixtures_dir: Path) -> None:
    path = str(fixtures_dir / "awesome_contents_label_mismatch.md")
    assert lint(path).exit_code == 0
    assert lint("--strict", path).exit_code == 1


def test_github_format_is_workflow_commands_with_escaped_properties(fixtures_dir: Path) -> None:
    result = lint("--format", "github", str(fixtures_dir / "awesome_messy_urls.md"))
    first = result.output.splitlines()[0]
    assert first.startswith("::warning file=")
    assert ",line=8,col=" in first and ",title=check.tracking-parameters::" in first
    assert all(x.startswith(("::warning ", "::error ")) for x in result.output.splitlines())
    assert "::error file=" in result.output and "title=lint.duplicate-entry::" in result.output


def test_json_format_carries_category_and_action(fixtures_dir: Path) -> None:
    result = lint("--format", "json", str(fixtures_dir / "awesome_messy_urls.md"))
    rows = json.loads(result.output)
    junk = next(r for r in rows if r["code"] == "check.url-junk")
    assert junk["line"] == 9 and junk["category"] == "url" and junk["level"] == "warning"
    assert "https://arxiv.org/pdf/1112.6209.pdf" in junk["action"]


def test_contribution_rules_and_a_duplicate_entry_which_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text(
        CLEAN + "- **Adam: A method for stochastic optimization** (2014), D. Kingma et al. "
        "[[pdf]](http://arxiv.org/pdf/1412.6980)\n"
        "- **Deep learning** (2015), Yann LeCun, Y. Bengio and G. Hinton "
        "[[pdf]](https://www.cs.toronto.edu/~hinton/absps/NatureDeepReview.pdf)\n",
        encoding="utf-8",
    )
    result = lint("--format", "json", str(path))
    assert result.exit_code == 1
    rows = json.loads(result.output)
    codes = {(r["line"], r["code"], r["level"]) for r in rows}
    assert (9, "lint.duplicate-entry", "error") in codes
    assert (10, "lint.author-format", "warning") in codes  # "Yann LeCun"
    assert (10, "lint.too-many-authors", "warning") in codes
    assert not any(code == "lint.top100-count" for _, code, _ in codes)  # no "top 100" claim
    assert (
        next(r for r in rows if r["code"] == "lint.duplicate-entry")["category"] == "contribution"
    )


def test_citation_bars_are_read_from_the_list_and_counts_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text("- **2014** :  +400 citations\n\n" + CLEAN, encoding="utf-8")
    counts = tmp_path / "citations.tsv"
    counts.write_text("arxiv:1412.6980\t150\n", encoding="utf-8")
    result = lint("--citations", str(counts), str(path))
    assert "lint.citation-bar 150 citations, below the 2014 bar of +400" in result.output


def test_kinds_are_guessed_from_name_and_content(fixtures_dir: Path, tmp_path: Path) -> None:
    def kind(name: str) -> str | None:
        path = fixtures_dir / name
        return guess_kind(path, path.read_text(encoding="utf-8"))

    assert kind("bib_duplicate_key.bib") == "bibtex"
    assert kind("roadmap_note_typos.md") == "roadmap"
    assert kind("awesome_messy_urls.md") == "awesome-list"
    assert kind("zh_blog_typos_and_split_names.md") == "zh-roadmap-blog"
    assert kind("cross_zh_awesome_added_years_and_wrong_titles.md") == "zh-awesome-list"
    odd = tmp_path / "notes.txt"
    odd.write_text("just some notes\n", encoding="utf-8")
    result = lint(str(odd))
    assert result.exit_code == 2 and "give --kind" in result.output
    assert lint("--kind", "awesome-list", str(odd)).exit_code == 0


def test_unreadable_file_and_missing_build_are_usage_errors(tmp_path: Path) -> None:
    missing = lint(str(tmp_path / "nope.md"))
    assert missing.exit_code == 2 and "nope.md: cannot read" in missing.output
    path = tmp_path / "README.md"
    path.write_text(CLEAN, encoding="utf-8")
    nobuild = lint("--against-build", str(path), build_dir=tmp_path / "empty")
    assert nobuild.exit_code == 2 and "run `dlkg build` first" in nobuild.output


def test_against_the_build_a_new_entry_repeating_a_paper_is_an_error(
    built: Any, upstream_dir: Path, tmp_path: Path
) -> None:
    settings, _ = built
    readme = tmp_path / "README.md"
    shutil.copy(upstream_dir / "awesome-deep-learning-papers" / "README.md", readme)
    text = readme.read_text(encoding="utf-8").replace(
        "### New papers\n",
        "### New papers\n- Adam, again: stochastic optimization (2017), D. Kingma et al. "
        "[[pdf]](https://arxiv.org/abs/1412.6980)\n### Brand new section\n",
    )
    readme.write_text(text, encoding="utf-8")
    result = lint("--against-build", "--format", "json", str(readme), build_dir=settings.build_dir)
    rows = json.loads(result.output)
    built_dup = [r for r in rows if r["code"] == "lint.duplicate-of-built"]
    assert [r["line"] for r in built_dup] == [214]
    assert "arxiv:1412.6980" in built_dup[0]["message"]
    assert [r["line"] for r in rows if r["code"] == "lint.new-section"] == [215]
    assert result.exit_code == 1


def test_bars_that_differ_from_another_criteria_file(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text("- **2016** :  +60 citations\n- **2015** :  +200 citations\n\n" + CLEAN)
    contributing = tmp_path / "Contributing.md"
    contributing.write_text(
        "- **2016** :  +20 citations (:sparkles: +50)\n- **2015** :  +200 citations\n"
    )
    result = lint("--criteria", str(contributing), str(path))
    differ = [x for x in result.output.splitlines() if "lint.criteria-differ" in x]
    assert differ == [
        f"{path}:1:1: warning lint.criteria-differ "
        "the 2016 bar is +60 here but +20 in Contributing.md"
    ]
