"""The `dlkg` command as a user runs it: real subprocesses, one-line errors, exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dlkg.settings import Settings


def dlkg(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "dlkg", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=300,
        check=False,
    )


def error_lines(stderr: str) -> list[str]:
    """stderr without the `build folder: ...` line every build command starts with."""
    return [line for line in stderr.splitlines() if not line.startswith("build folder: ")]


def test_help_lists_every_stage() -> None:
    result = dlkg("--help")
    assert result.returncode == 0
    for command in ("fetch", "build", "validate", "query", "export", "stats", "explain", "serve"):
        assert command in result.stdout


def test_no_store_is_one_line_and_exit_4(tmp_path: Path) -> None:
    result = dlkg("--build-dir", str(tmp_path), "query", "ASK {}")
    assert result.returncode == 4
    assert result.stderr.splitlines()[0] == f"build folder: {tmp_path} (--build-dir)"
    assert error_lines(result.stderr) == [
        f"error: nothing built in {tmp_path}: run `dlkg build` first"
    ]
    assert "Traceback" not in result.stderr


def test_missing_mirror_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = dlkg("--mirror", str(tmp_path / "nope"), "fetch")
    assert result.returncode == 2
    assert "--mirror" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("base", ["http://ex.org/a b/", "ftp://ex.org/", "https://ex.org/kg"])
def test_bad_base_iri_is_a_usage_error(tmp_path: Path, base: str) -> None:
    result = dlkg("--base-iri", base, "--build-dir", str(tmp_path), "fetch")
    assert result.returncode == 2
    assert result.stderr.startswith("error: --base-iri")
    assert "Traceback" not in result.stderr


def test_offline_without_mirror_says_what_to_do(tmp_path: Path) -> None:
    result = dlkg("--build-dir", str(tmp_path), "--offline", "fetch", env={"DLKG_MIRROR": ""})
    assert result.returncode == 3
    assert "--mirror DIR" in result.stderr
    assert len(error_lines(result.stderr)) == 1


@pytest.mark.upstream
def test_query_formats(built: tuple[Settings, Any]) -> None:
    settings, _ = built
    bd = str(settings.build_dir)
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?p a <http://schema.org/ScholarlyArticle> }"
    table = dlkg("--build-dir", bd, "query", q)
    assert table.returncode == 0, table.stderr
    n = int(table.stdout.splitlines()[2])
    assert n == built[1].counts["papers"]
    as_csv = dlkg("--build-dir", bd, "query", q, "--format", "csv")
    assert list(csv.reader(io.StringIO(as_csv.stdout)))[1] == [str(n)]
    as_json = json.loads(dlkg("--build-dir", bd, "query", q, "-f", "json").stdout)
    assert as_json["results"]["bindings"][0]["n"]["value"] == str(n)
    construct = dlkg(
        "--build-dir",
        bd,
        "query",
        "CONSTRUCT { ?l a <http://schema.org/ItemList> } "
        "WHERE { ?l a <http://schema.org/ItemList> }",
        "-f",
        "turtle",
    )
    assert construct.stdout.count("ItemList") == 4


@pytest.mark.upstream
def test_query_file_and_bad_query(built: tuple[Settings, Any], tmp_path: Path) -> None:
    settings, _ = built
    rq = tmp_path / "q.rq"
    rq.write_text("ASK { ?s a <http://schema.org/Person> }", encoding="utf-8")
    ok = dlkg("--build-dir", str(settings.build_dir), "query", str(rq))
    assert ok.stdout.strip() == "true"
    bad = dlkg("--build-dir", str(settings.build_dir), "query", "SELECT ?x\nWHERE { ?x ?y }")
    assert bad.returncode == 5
    [line] = error_lines(bad.stderr)
    assert line.startswith("error: syntax error at the end of the query (line 2, column 16)"), line
    unknown = dlkg("--build-dir", str(settings.build_dir), "query", "ASK { ?x nope:p ?y }")
    assert error_lines(unknown.stderr) == ["error: unknown prefix `nope:` at line 1, column 10"]


@pytest.mark.upstream
def test_stats_counts_classes_lists_and_sections(built: tuple[Settings, Any]) -> None:
    settings, report = built
    result = dlkg("--build-dir", str(settings.build_dir), "stats", "--json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["classes"]["http://schema.org/ScholarlyArticle"] == report.counts["papers"]
    assert sum(stats["lists"].values()) == report.counts["list_items"]
    assert any(name.startswith("roadmap / ") for name in stats["sections"])


@pytest.mark.upstream
def test_validate_the_built_store(built: tuple[Settings, Any]) -> None:
    settings, _ = built
    result = dlkg("--build-dir", str(settings.build_dir), "validate")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.upstream
def test_validate_rejects_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "<https://w3id.org/dlkg/list/x/item/a> a <http://schema.org/ListItem> .\n", encoding="utf-8"
    )
    result = dlkg("validate", "--data", str(bad))
    assert result.returncode == 1
    assert "violation" in (result.stdout + result.stderr).lower()


def test_a_bug_is_an_internal_error_not_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, built: tuple[Settings, Any]
) -> None:
    """A ValueError from inside dlkg is a bug: traceback, "please report", exit 70 (not 2)."""
    from click.testing import CliRunner

    import dlkg.query
    from dlkg.cli import main
    from dlkg.errors import INTERNAL_ERROR

    def broken(_store_dir: Path) -> dict[str, dict[str, int]]:
        raise ValueError("a bug")

    monkeypatch.setattr(dlkg.query, "dataset_stats", broken)
    build_dir = str(built[0].build_dir)
    result = CliRunner().invoke(main, ["--build-dir", build_dir, "stats"])
    assert result.exit_code == INTERNAL_ERROR == 70
    assert "Traceback" in result.stderr and "ValueError: a bug" in result.stderr
    assert result.stderr.rstrip().endswith(
        "error: internal error, please report it with the traceback above"
    )


@pytest.mark.upstream
def test_build_prints_warnings_by_code_and_with_v_each_one(
    upstream_dir: Path, tmp_path: Path
) -> None:
    # the summary counts the warnings (the build's report keeps them parked); -v lists each
    # with its file and line, read back from the parked file after the build
    common = ("--build-dir", str(tmp_path), "--mirror", str(upstream_dir), "--offline")
    quiet = dlkg(*common, "build", "--force")
    assert quiet.returncode == 0, quiet.stderr
    written = json.loads((tmp_path / "current" / "report.json").read_text(encoding="utf-8"))
    warnings = [row for row in written["issues"] if row["level"] == "warning"]
    assert f"{len(warnings)} warnings, " in quiet.stdout
    assert "warnings by code (each with file and line in the report; -v lists them):" in (
        quiet.stdout
    )
    verbose = dlkg(*common, "build", "--force", "-v")
    assert verbose.returncode == 0, verbose.stderr
    listed = [line for line in verbose.stdout.splitlines() if line.startswith("  ")]
    assert [line.strip() for line in listed] == [
        f"{row['where']}: warning: {row['message']} [{row['code']}]" for row in warnings
    ]
    assert not list(tmp_path.rglob("report-parked*"))
