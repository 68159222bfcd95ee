"""`dlkg query`, `dlkg stats` and `dlkg explain`: the commands that read a build.

`dlkg query` is the one people run most and wait for, so this module imports only click at
load time and each command imports what it needs (issue 13: rdflib alone cost ~105 ms).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from .cli_base import require_built, settings_of, skip_final_collection
from .errors import UsageError


def _query_text(query: str) -> str:
    """The SPARQL of QUERY: a file, a gallery query's name, or the text itself."""
    from . import gallery
    from .resources import queries_dir

    path = Path(query)
    if path.is_file():
        return path.read_text(encoding="utf-8")
    if query.endswith(".rq") and ("/" in query or "\\" in query):
        raise UsageError("no such query file", path=path)
    if gallery.NAME.match(query):
        found = gallery.find(query, queries_dir())
        if found is None:
            raise UsageError(f"no gallery query named {query!r}; `dlkg query --list` shows them")
        return found.path.read_text(encoding="utf-8")
    return query


@click.command(short_help="Run SPARQL (text, a .rq file or a gallery query's name) on the store.")
@click.argument("query", required=False)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["table", "csv", "json", "turtle"]),
    default="table",
    show_default=True,
)
@click.option(
    "--max-width",
    type=click.IntRange(min=8),
    default=None,
    help="Table format: shorten cells longer than this many characters with '…'.",
)
@click.option("--list", "list_gallery", is_flag=True, help="List the gallery queries by name.")
@click.pass_context
def query(
    ctx: click.Context, query: str | None, fmt: str, max_width: int | None, list_gallery: bool
) -> None:
    """Run QUERY against the built store: SPARQL text, a .rq file, or a gallery query by
    number or name (`dlkg query 01`, `dlkg query top100-papers-by-hinton`).

    The common prefixes (schema:, dlkg:, rdf:, rdfs:, skos:, ... see docs/sparql.md) are
    predefined; a query's own PREFIX declarations win.
    """
    if list_gallery:
        from . import gallery
        from .resources import queries_dir

        for item in gallery.gallery_files(queries_dir()):
            click.echo(f"{item.number}  {item.slug:<40}  {item.summary}")
        return
    if query is None:
        raise UsageError("give a query (SPARQL text, a .rq file or a gallery name) or --list")
    from .query import run_cli_query

    text = _query_text(query)
    settings = settings_of(ctx)
    require_built(settings)
    click.echo(run_cli_query(settings.store_dir, text, fmt, max_width=max_width), nl=False)
    skip_final_collection()


@click.command(short_help="Counts per class, list and section, or the statistics of TOPIC.")
@click.argument(
    "topic", required=False, type=click.Choice(["authors", "papers", "lists", "coverage"])
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write each table (of TOPIC, or all) as CSV and JSON into this folder.",
)
@click.option(
    "--plots",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the charts and co-authorship networks (SVG, PNG, Vega-Lite) into this folder.",
)
@click.option(
    "--limit", default=15, show_default=True, help="Rows per ranking shown (ties kept); 0: all."
)
@click.option("--person", help="Only rows of people whose name contains this (with co-authors).")
@click.pass_context
def stats(
    ctx: click.Context,
    topic: str | None,
    as_json: bool,
    out: Path | None,
    plots: Path | None,
    limit: int,
    person: str | None,
) -> None:
    """Counts per class, list and section; with TOPIC (authors, papers, lists, coverage) the
    statistics of queries/stats/ as tables fitted to the terminal."""
    settings = settings_of(ctx)
    require_built(settings)
    if topic is not None or out is not None or plots is not None:
        from .stats.command import run_stats_command

        run_stats_command(
            settings.store_dir,
            topic,
            out=out,
            plots=plots,
            limit=limit,
            person=person,
            as_json=as_json,
            echo=click.echo,
        )
        return
    from .query import dataset_stats

    result = dataset_stats(settings.store_dir)
    if as_json:
        import json

        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    for title, rows in result.items():
        click.echo(f"# {title}")
        for name, count in rows.items():
            click.echo(f"{count:>7}  {name}")


@click.command()
@click.argument("what")
@click.pass_context
def explain(ctx: click.Context, what: str) -> None:
    """Why a paper or person node is what it is: its records, rules and scores.

    WHAT is a key (arxiv-1512.03385, hinton-g), an IRI, an arXiv id (1512.03385 or
    arXiv:1512.03385) or part of a title or name. It reads the sources the current build was
    made from (from the download cache), so something must be built first.
    """
    from .build import parse_and_resolve
    from .explain import explain as explain_node
    from .report import StepTimer

    settings = settings_of(ctx)
    require_built(settings)
    parsed = parse_and_resolve(settings, StepTimer(), lambda _s: None)
    key = what
    if what.startswith(settings.base_iri):
        key = what[len(settings.base_iri) :].split("/", 1)[-1]
    # the parsers' and single-source checks' issues too, so every warning on a record shows
    issues = [*parsed.resolution.issues, *(i for r in parsed.results for i in r.issues)]
    click.echo(explain_node(dataclasses.replace(parsed.resolution, issues=issues), key))
