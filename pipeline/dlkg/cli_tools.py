"""`dlkg fmt` and `dlkg issues`: commands about the project's own files, not about a build.

They need no settings (build folder, mirror), so they are plain click commands that cli.py
adds to the group; keeping them here keeps cli.py about the pipeline stages.
"""

from __future__ import annotations

from pathlib import Path

import click

from .errors import NotConformant, UsageError


@click.command()
@click.option("--check", is_flag=True, help="Only report files that are not canonical (exit 1).")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def fmt(check: bool, files: tuple[Path, ...]) -> None:
    """Rewrite ontology/*.ttl and shapes/*.ttl (or FILES) as canonical Turtle."""
    from .fmt import format_files, shipped_turtle_files

    paths = list(files) or shipped_turtle_files()
    changed = format_files(paths, check=check)
    for path in changed:
        click.echo(f"{path}: {'not canonical' if check else 'reformatted'}")
    if check and changed:
        raise NotConformant(f"{len(changed)} of {len(paths)} files not canonical; run `dlkg fmt`")


@click.command()
@click.argument("codes", nargs=-1)
@click.option("--markdown", is_flag=True, help="Print the whole catalogue as docs/issues.md.")
def issues(codes: tuple[str, ...], markdown: bool) -> None:
    """What a build issue code (e.g. awesome.no-year) means and what to do about it."""
    from .catalogue import catalogue
    from .catalogue import markdown as catalogue_markdown

    if markdown:
        click.echo(catalogue_markdown(), nl=False)
        return
    kinds = catalogue()
    unknown = [c for c in codes if c not in kinds]
    if unknown:
        raise UsageError(f"unknown issue code {unknown[0]!r}; `dlkg issues` lists them all")
    for code in codes or sorted(kinds):
        click.echo(kinds[code].text())
