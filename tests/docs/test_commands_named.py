"""Every command the project names to its users exists and accepts the options shown.

Mentions are read from the README, docs/*.md and the package source (error messages,
docstrings): `dlkg ...` in inline code, a line of a fenced block starting with `dlkg` (or
`.venv/bin/dlkg`), and `python -m dlkg.module ...`. Options before the subcommand must be the
group's (`dlkg --mirror DIR registry`), options after it the subcommand's, as `--help` lists
them; a `python -m` target must exist and run something when executed.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from dlkg.cli import main
from helpers import REPO_ROOT

INLINE = re.compile(r"`(?:\.venv/bin/)?(dlkg(?: [^`\n]*)?)`")
FENCED_LINE = re.compile(r"^\s*(?:\$ )?(?:\.venv/bin/)?(dlkg(?: .*)?)$", re.MULTILINE)
PYTHON_M = re.compile(r"python -m (dlkg(?:\.\w+)*)((?: [^`\n]*)?)")
OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")
WORD = re.compile(r"^[a-z][a-z0-9-]*$")
# Every command, the lazily imported ones too (`main.commands` holds only those loaded so far).
COMMANDS = frozenset(main.list_commands(click.Context(main)))


@dataclass(frozen=True)
class Mention:
    where: str
    text: str


def _sources() -> list[Path]:
    package = REPO_ROOT / "pipeline" / "dlkg"
    docs = sorted((REPO_ROOT / "docs").glob("*.md"))
    return [REPO_ROOT / "README.md", *docs, *sorted(package.rglob("*.py"))]


def _fenced_blocks(text: str) -> str:
    return "\n".join(re.findall(r"^```[^\n]*\n(.*?)^```", text, re.MULTILINE | re.DOTALL))


def _mentions(pattern: re.Pattern[str], fenced: bool = False) -> list[Mention]:
    found = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        if fenced:
            text = _fenced_blocks(text)
        rel = path.relative_to(REPO_ROOT)
        for m in pattern.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            found.append(Mention(f"{rel}:{line}" if not fenced else str(rel), m.group(0)))
    return found


def dlkg_mentions() -> list[Mention]:
    inline = [Mention(m.where, INLINE.match(m.text).group(1)) for m in _mentions(INLINE)]  # type: ignore[union-attr]
    fenced = [
        Mention(m.where, FENCED_LINE.match(m.text).group(1))  # type: ignore[union-attr]
        for m in _mentions(FENCED_LINE, fenced=True)
    ]
    return inline + fenced


@cache
def accepted_options(command: str | None) -> frozenset[str]:
    """The options `dlkg [COMMAND] --help` lists."""
    args = [command, "--help"] if command else ["--help"]
    result = CliRunner().invoke(main, args, terminal_width=200)
    assert result.exit_code == 0, f"dlkg {' '.join(args)}: {result.output}"
    section = result.output.split("Options:", 1)[1].split("Commands:", 1)[0]
    return frozenset(OPTION.findall(section))


def problems(mention: Mention) -> list[str]:
    """What is wrong with one `dlkg ...` mention (empty when it would run)."""
    tokens = [t.strip("[](){}|,.;:") for t in mention.text.split()[1:]]
    command: str | None = None
    errors = []
    for token in tokens:
        option = OPTION.fullmatch(token.split("=", 1)[0])
        if option:
            if option.group(1) not in accepted_options(command):
                where = f"dlkg {command}" if command else "dlkg (before the command)"
                errors.append(f"{where} has no option {option.group(1)}")
        elif command is None and WORD.match(token):
            if token not in COMMANDS:
                errors.append(f"no command `dlkg {token}`")
                break
            command = token
    return errors


def test_every_dlkg_mention_runs() -> None:
    mentions = dlkg_mentions()
    assert len(mentions) > 20  # the README's table alone names every command
    bad = [f"{m.where}: `{m.text}`: {p}" for m in mentions for p in problems(m)]
    assert not bad, "\n".join(bad)


def test_every_command_is_mentioned_somewhere() -> None:
    named = {m.text.split()[1] for m in dlkg_mentions() if len(m.text.split()) > 1}
    assert set(COMMANDS) <= named, set(COMMANDS) - named


def test_the_checker_catches_an_option_in_the_wrong_place() -> None:
    assert problems(Mention("x", "dlkg registry --mirror DIR")) == [
        "dlkg registry has no option --mirror"
    ]
    assert problems(Mention("x", "dlkg --mirror DIR registry [--update]")) == []
    assert problems(Mention("x", "dlkg frobnicate")) == ["no command `dlkg frobnicate`"]


def python_m_problems(mention: Mention) -> list[str]:
    """What is wrong with one `python -m dlkg.x ...` mention (empty when it would run)."""
    m = PYTHON_M.match(mention.text)
    assert m is not None
    module, rest = m.group(1), m.group(2)
    try:
        spec = importlib.util.find_spec(module)
    except ModuleNotFoundError:
        spec = None
    if spec is None or not spec.origin:
        return [f"no module {module}"]
    source = Path(spec.origin)
    if source.name == "__init__.py":
        source = source.with_name("__main__.py")
    text = source.read_text(encoding="utf-8") if source.is_file() else ""
    if source.name != "__main__.py" and 'if __name__ == "__main__":' not in text:
        return [f"`python -m {module}` does nothing (no __main__ block)"]
    options = OPTION.findall(rest)
    if not options:
        return []
    shown = subprocess.run(
        [sys.executable, "-m", module, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    ).stdout
    return [f"`python -m {module} --help` lacks {o}" for o in options if o not in shown]


@pytest.mark.parametrize("mention", _mentions(PYTHON_M), ids=lambda m: m.where)
def test_every_python_m_mention_runs_something(mention: Mention) -> None:
    assert not python_m_problems(mention), (mention.where, python_m_problems(mention))


def test_the_checker_catches_a_module_that_does_nothing() -> None:
    """The README used to send users to a module whose __main__ block was gone."""
    assert python_m_problems(Mention("x", "python -m dlkg.catalogue --update")) == [
        "`python -m dlkg.catalogue` does nothing (no __main__ block)"
    ]
    assert python_m_problems(Mention("x", "python -m dlkg.nothing")) == ["no module dlkg.nothing"]
