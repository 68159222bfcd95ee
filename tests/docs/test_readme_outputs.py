"""The README's example outputs are what the commands print on a real build.

Every fenced block of README.md whose first line is `$ dlkg query ...` is the output of that
command: the test runs it on the session's build and compares. `pytest --update-golden
tests/docs/test_readme_outputs.py` rewrites the blocks from the current data (review the diff).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dlkg.cli import main
from dlkg.settings import Settings
from helpers import QUERIES, REPO_ROOT

README = REPO_ROOT / "README.md"
# A fence, the command line, then the shown output up to the closing fence.
BLOCK = re.compile(r"^```\n\$ (dlkg query [^\n]*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def run(build_dir: Path, command: str) -> str:
    """What `command` prints on stdout (the build-folder line goes to stderr)."""
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(main, ["--build-dir", str(build_dir), *args], prog_name="dlkg")
    assert result.exit_code == 0, (command, result.output)
    return result.stdout


@pytest.mark.upstream
def test_readme_outputs_are_what_the_queries_print(
    built: tuple[Settings, Any], update_golden: bool
) -> None:
    settings, _ = built
    text = README.read_text(encoding="utf-8")
    blocks = list(BLOCK.finditer(text))
    assert len(blocks) >= 5, "the README shows the output of at least five gallery queries"
    if update_golden:
        text = BLOCK.sub(
            lambda m: f"```\n$ {m.group(1)}\n{run(settings.build_dir, m.group(1))}```", text
        )
        README.write_text(text, encoding="utf-8")
        blocks = list(BLOCK.finditer(text))
    for block in blocks:
        shown, printed = block.group(2), run(settings.build_dir, block.group(1))
        assert shown == printed, f"README: `{block.group(1)}` prints otherwise; --update-golden"


def test_readme_does_not_count_the_gallery_wrongly() -> None:
    """It said "Fourteen" when there were sixteen: a number it names must be the real one."""
    text = README.read_text(encoding="utf-8")
    count = len(list(QUERIES.glob("*.rq")))
    words = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    words += "fifteen sixteen seventeen eighteen nineteen twenty"
    number = {w: n for n, w in enumerate(words.split(), start=1)}
    for said in re.findall(r"(\w+) (?:competency|gallery) queries", text, re.IGNORECASE):
        value = int(said) if said.isdigit() else number.get(said.lower())
        assert value in (None, count), f"README says {said} queries; queries/ has {count}"
