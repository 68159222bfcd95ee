"""What a newcomer trips over first (issue 10): the build folder, gallery names, "build first",
explain by arXiv id, the build that is skipped when nothing changed, the port check, and a
`dlkg query` that does not import rdflib."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dlkg import fingerprint, resources
from dlkg.cli import main
from dlkg.prefixes import PREDEFINED
from dlkg.settings import Settings, default_build_dir
from helpers import CURATION, QUERIES, REPO_ROOT


def dlkg(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Any:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DLKG_")}
    return subprocess.run(
        [sys.executable, "-m", "dlkg", *args],
        capture_output=True,
        text=True,
        env={**clean, **(env or {})},
        cwd=cwd,
        timeout=300,
        check=False,
    )


def test_inside_this_checkout_the_build_folder_is_its_data_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO_ROOT / "docs")
    assert default_build_dir() == (REPO_ROOT / "data" / "build", "this checkout")
    monkeypatch.chdir(tmp_path)  # dlkg still runs from this checkout: its build, named so
    assert default_build_dir() == (REPO_ROOT / "data" / "build", "dlkg's checkout")


def test_a_wheel_uses_the_checkout_it_runs_in_else_the_per_user_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As installed from a wheel: the package is not inside a checkout.
    monkeypatch.setattr(resources, "_PACKAGE_DIR", tmp_path / "site-packages" / "dlkg")
    inside = REPO_ROOT / "queries"
    monkeypatch.chdir(inside)
    assert default_build_dir() == (REPO_ROOT / "data" / "build", "this checkout")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_build_dir() == (tmp_path / "xdg" / "dlkg", "per-user")


def test_every_build_command_names_its_folder_first(tmp_path: Path) -> None:
    result = dlkg("stats", env={"DLKG_BUILD_DIR": str(tmp_path)})
    assert result.returncode == 4
    assert result.stderr.splitlines() == [
        f"build folder: {tmp_path} (DLKG_BUILD_DIR)",
        f"error: nothing built in {tmp_path}: run `dlkg build` first",
    ]
    here = dlkg("query", "ASK {}", cwd=REPO_ROOT)
    assert here.stderr.splitlines()[0] == "build folder: data/build (this checkout)"


def test_help_says_which_build_folder_is_used() -> None:
    shown = dlkg("--help", cwd=REPO_ROOT).stdout
    assert "Build folder:" in shown and "Now: this checkout's data/build." in shown
    elsewhere = dlkg("--help", env={"DLKG_BUILD_DIR": "/srv/dlkg"}).stdout
    assert "Now: DLKG_BUILD_DIR = /srv/dlkg." in elsewhere


@pytest.mark.parametrize("command", ["explain", "stats", "export", "serve", "validate"])
def test_nothing_built_says_build_first_and_downloads_nothing(tmp_path: Path, command: str) -> None:
    args = [command, "1512.03385"] if command == "explain" else [command]
    result = dlkg("--build-dir", str(tmp_path), *args)
    assert result.returncode == 4, result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"error: nothing built in {tmp_path}: run `dlkg build` first"
    )
    assert list(tmp_path.iterdir()) == []  # no cache, no download started


def test_the_gallery_is_listed_by_number_slug_and_summary() -> None:
    result = CliRunner().invoke(main, ["query", "--list"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(list(QUERIES.glob("*.rq")))
    assert lines[0].startswith("01  top100-papers-by-hinton ")


def test_an_unknown_gallery_name_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["query", "99"])
    assert result.exit_code == 2
    assert "no gallery query named '99'; `dlkg query --list` shows them" in result.output


@pytest.mark.upstream
def test_a_gallery_query_runs_by_number_slug_stem_or_file(built: tuple[Settings, Any]) -> None:
    settings, _ = built
    by_file = str(QUERIES / "01-top100-papers-by-hinton.rq")
    outputs = {
        name: CliRunner().invoke(main, ["--build-dir", str(settings.build_dir), "query", name])
        for name in ("01", "1", "top100-papers-by-hinton", "01-top100-papers-by-hinton.rq", by_file)
    }
    assert {r.exit_code for r in outputs.values()} == {0}
    assert len({r.stdout for r in outputs.values()}) == 1
    assert "(8 rows)" in outputs["01"].stdout


@pytest.mark.upstream
@pytest.mark.parametrize("name", ["1512.03385", "arXiv:1512.03385", "arxiv:1512.03385v2"])
def test_explain_takes_a_bare_arxiv_id(built: tuple[Settings, Any], name: str) -> None:
    settings, _ = built
    result = CliRunner().invoke(
        main, ["--build-dir", str(settings.build_dir), "--offline", "explain", name]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("paper arxiv-1512.03385: 'Deep residual learning")


@pytest.mark.upstream
def test_an_unchanged_build_is_skipped_and_a_changed_input_is_named(
    built: tuple[Settings, Any], tmp_path: Path
) -> None:
    settings, _ = built
    skipped = CliRunner().invoke(main, ["--build-dir", str(settings.build_dir), "build"])
    assert skipped.exit_code == 0, skipped.output
    assert skipped.stdout.startswith("build is up to date:")
    curation = shutil.copytree(CURATION, tmp_path / "curation")
    assert fingerprint.changed_inputs(replace(settings, curation_dir=curation)) == []
    with (curation / "decisions.tsv").open("a", encoding="utf-8") as handle:
        handle.write("# a new comment still changes the input\n")
    assert fingerprint.changed_inputs(replace(settings, curation_dir=curation)) == ["curation"]
    assert fingerprint.changed_inputs(replace(settings, strict=True)) == ["strict"]
    assert fingerprint.changed_inputs(replace(settings, build_dir=tmp_path / "none")) is None


def test_check_port_says_when_the_port_is_taken() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        busy = dlkg("serve", "--check-port", "--port", str(port))
    assert busy.returncode == 2
    assert busy.stderr == (
        f"error: cannot listen on 127.0.0.1:{port} (Address already in use); stop what uses it "
        "or choose another port (make serve PORT=8081, --port)\n"
    )
    free = dlkg("serve", "--check-port", "--port", str(port))
    assert (free.returncode, free.stdout, free.stderr) == (0, "", "")


def test_docs_list_the_predefined_prefixes() -> None:
    text = (REPO_ROOT / "docs" / "sparql.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `(\w+):` \| `([^`]+)` \|$", text, re.MULTILINE))
    assert listed == PREDEFINED
    for name in ("schema", "dlkg", "rdf", "rdfs", "owl", "xsd", "skos", "prov", "dcterms"):
        assert name in PREDEFINED
    assert {"foaf", "void", "dcat", "bibo", "sh"} <= set(PREDEFINED)


def test_language_tags_are_matched_with_langmatches_everywhere_people_copy_from() -> None:
    """The engine stores `zh-hans`: `lang(?t) = "zh-Hans"` finds nothing."""
    from dlkg.web.site.home import COMPLETION_SNIPPETS, DEFAULT_QUERY

    exact = re.compile(r"lang\(\s*\?\w+\s*\)\s*=", re.IGNORECASE)
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(QUERIES.glob("*.rq"))}
    texts |= {p.name: p.read_text(encoding="utf-8") for p in (REPO_ROOT / "docs").glob("*.md")}
    texts["README.md"] = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    texts["DEFAULT_QUERY"] = DEFAULT_QUERY

    def recommends(text: str) -> bool:  # "..., not `FILTER(lang(?t) = ...)`" is a warning
        return any(
            "not " not in text[max(0, m.start() - 14) : m.start()] for m in exact.finditer(text)
        )

    offenders = [name for name, text in texts.items() if recommends(text)]
    assert not offenders, offenders
    assert any('langMatches(lang(?title), "zh")' in s for s in COMPLETION_SNIPPETS)
