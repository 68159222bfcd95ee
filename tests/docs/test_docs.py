"""Docs that tests keep honest: the CLI reference, the README's commands, the query headers."""

from __future__ import annotations

import re

from click.testing import CliRunner

from dlkg.cli import main
from helpers import REPO_ROOT as REPO

COMMANDS = (
    "fetch",
    "build",
    "validate",
    "query",
    "export",
    "stats",
    "explain",
    "registry",
    "link",
    "serve",
    "fmt",
    "issues",
    "push",
)


def cli_reference() -> str:
    runner = CliRunner()
    parts = [
        "# dlkg command-line reference\n",
        "Generated from `--help` by `pytest tests/docs/test_docs.py --update-golden`; "
        "CI checks it.\n",
    ]
    for args in [[], *([c] for c in COMMANDS)]:
        # DLKG_BUILD_DIR would change the "Build folder" paragraph of `dlkg --help`.
        result = runner.invoke(
            main,
            [*args, "--help"],
            prog_name="dlkg",
            terminal_width=100,
            env={"DLKG_BUILD_DIR": None},
        )
        assert result.exit_code == 0, result.output
        title = " ".join(["dlkg", *args])
        parts.append(f"\n## `{title}`\n\n```\n{result.output.rstrip()}\n```\n")
    return "".join(parts)


def test_cli_reference_is_current(update_golden: bool) -> None:
    path = REPO / "docs" / "cli.md"
    expected = cli_reference()
    if update_golden:
        path.write_text(expected, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == expected, "run pytest --update-golden and review"


def test_readme_names_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make serve" in readme and "make test" in readme
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.MULTILINE)


def test_every_query_file_has_summary_and_description() -> None:
    files = sorted((REPO / "queries").glob("*.rq"))
    assert len(files) >= 10
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("#+ summary: "), path.name
        assert lines[1].startswith("#+ description: "), path.name
