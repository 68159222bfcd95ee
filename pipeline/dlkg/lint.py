"""`dlkg lint FILE...`: the parsers and every single-source check on local, unpinned files.

For a list's maintainers: an edited README or a new BibTeX file is parsed as its kind (from
`--kind`, else guessed from the name and content), every single-source check runs
(`dlkg.checks.single_source`), and for the awesome list its contribution rules
(`lint_rules`). Findings print as `file:line:col: level code message`, as GitHub Actions
workflow commands (`--format github`, shown inline on a pull request) or as JSON. Exit code:
0 clean, 1 when a finding is an error (or any finding with `--strict`), 2 for usage errors.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import click

from . import sources
from .catalogue import category_of, handling_of
from .checks import single_source
from .errors import UsageError
from .lint_rules import against_build as check_against_build
from .lint_rules import contribution_rules
from .parse import parse_text
from .records import Issue, Level

FORMATS = ("text", "github", "json")


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    col: int
    issue: Issue

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "level": self.issue.level.value,
            "code": self.issue.code,
            "category": category_of(self.issue.code),
            "message": self.issue.message,
            "action": self.issue.action or handling_of(self.issue.code),
        }


def guess_kind(path: Path, text: str) -> str | None:
    """The source kind of a file from its name and content, or None."""
    if path.suffix.lower() == ".bib" or re.search(r"^\s*@\w+\s*\{", text, re.M):
        return "bibtex"
    chinese = len(re.findall(r"[\u4e00-\u9fff]", text)) > len(text) // 20
    if chinese:
        return "zh-awesome-list" if re.search(r"^###\s", text, re.M) else "zh-roadmap-blog"
    if re.search(r"^\*\*\[\d+\]\*\*", text, re.M):
        return "roadmap"
    if re.search(r"^\s*-\s+\*\*.+\*\*\s*\(\d{4}", text, re.M) or "## Contents" in text:
        return "awesome-list"
    return None


def _column(text: str, message: str) -> int:
    """1-based column of the first thing the message quotes (a URL, a 'word') in the line,
    else of the line's first character."""
    quoted = re.findall(r"https?://\S+", message) + re.findall(r"'([^']{2,})'", message)
    for candidate in quoted:
        at = text.find(candidate)
        if at >= 0:
            return at + 1
    return len(text) - len(text.lstrip()) + 1


def lint_file(
    path: Path,
    kind: str | None,
    build_dir: Path | None,
    citations: Path | None = None,
    criteria: Path | None = None,
) -> list[Finding]:
    """Every finding of one file; raises UsageError when it cannot be read or typed."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot read: {error}") from error
    kind = kind or guess_kind(path, text)
    if kind is None:
        raise UsageError(f"{path}: cannot tell which kind of list this is; give --kind")
    source_kind = sources.kind(kind)
    result = parse_text(kind, text, source_id=source_kind.source_id, path=path.name)
    issues = list(result.issues)
    issues += single_source(kind, text, result, path.name)
    if kind == "awesome-list":
        issues += contribution_rules(text, result, citations, criteria)
    if build_dir is not None:
        issues += check_against_build(result, build_dir)
    lines = text.splitlines()
    findings = []
    for issue in issues:
        line = issue.where.line if issue.where else 1
        line_text = lines[line - 1] if 0 < line <= len(lines) else ""
        findings.append(Finding(str(path), line, _column(line_text, issue.message), issue))
    return sorted(findings, key=lambda f: (f.line, f.col, f.issue.code))


def _escape(text: str, *, prop: bool = False) -> str:
    """GitHub workflow-command escaping (properties also escape ':' and ',')."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def render(findings: list[Finding], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=1)
    out = []
    for f in findings:
        level, code, message = f.issue.level.value, f.issue.code, f.issue.message
        if fmt == "github":
            props = f"file={_escape(f.file, prop=True)},line={f.line},col={f.col}"
            out.append(f"::{level} {props},title={_escape(code, prop=True)}::{_escape(message)}")
        else:
            out.append(f"{f.file}:{f.line}:{f.col}: {level} {code} {message}")
    return "\n".join(out)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--kind",
    type=click.Choice([k.name for k in sources.kinds()]),
    help="The kind of every FILE (default: guessed from its name and content).",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@click.option(
    "--against-build",
    is_flag=True,
    help="Also report new entries that duplicate a paper of the current build (--build-dir).",
)
@click.option(
    "--citations",
    type=click.Path(path_type=Path, dir_okay=False),
    help="TSV of citation counts (arXiv:ID / doi:DOI / title, tab, count) for the year bars.",
)
@click.option(
    "--criteria",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Another file stating the citation bars (Contributing.md): report bars that differ.",
)
@click.pass_context
def lint(
    ctx: click.Context,
    files: tuple[Path, ...],
    kind: str | None,
    fmt: str,
    strict: bool,
    against_build: bool,
    citations: Path | None,
    criteria: Path | None,
) -> None:
    """Check local copies of the lists: parsers, single-source checks, contribution rules.

    Prints `file:line:col: level code message` per finding (or GitHub workflow commands, or
    JSON). Exit code 1 when a finding is an error (with --strict: any finding), 2 on usage
    errors (unreadable file, unknown kind, no build for --against-build).
    """
    build_dir = None
    if against_build:
        build_dir = ctx.obj.current_dir if ctx.obj is not None else None
        if build_dir is None or not (build_dir / "store").is_dir():
            raise UsageError(f"--against-build: no build at {build_dir}; run `dlkg build` first")
    findings: list[Finding] = []
    for path in files:
        findings += lint_file(path, kind, build_dir, citations, criteria)
    text = render(findings, fmt)
    if text:
        click.echo(text)
    failed = any(f.issue.level is Level.ERROR for f in findings) or (strict and findings)
    ctx.exit(1 if failed else 0)


__all__ = ["Finding", "guess_kind", "lint", "lint_file", "render"]
