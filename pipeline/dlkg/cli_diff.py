"""`dlkg diff OLD NEW`: the command over `diff.py`, which it imports only when run (so that
`dlkg query` never pays for rdflib, issue 13)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("diff", short_help="Compare two builds: entities added, removed, facts changed.")
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Readable text, or JSON for tools.",
)
def diff_command(old: Path, new: Path, fmt: str) -> None:
    """Compare two builds (build folders, run folders or N-Triples dumps): papers, persons
    and list items added or removed, and facts changed per entity."""
    import json

    from .diff import changes, format_text

    result = changes(old, new)
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True))
    else:
        base = click.get_current_context().find_root().params.get("base_iri") or ""
        click.echo(format_text(result, str(base)), nl=False)


__all__ = ["diff_command"]
