"""`dlkg link`: live enrichment from the scholarly graphs (pipeline/dlkg/link/)."""

from __future__ import annotations

import click

from .cli_base import settings_of


@click.command()
@click.option("--offline", "link_offline", is_flag=True, help="Answer from the cache alone.")
@click.option(
    "--service",
    "services",
    multiple=True,
    type=click.Choice(["arxiv", "crossref", "openalex", "semanticscholar", "wikidata", "dblp"]),
    help="Ask only this service (repeatable; default: all).",
)
@click.option(
    "--contact",
    envvar="DLKG_LINK_CONTACT",
    default=None,
    help="E-mail for the User-Agent and Crossref's polite pool (DLKG_LINK_CONTACT).",
)
@click.option("--no-build", is_flag=True, help="Only write BUILD_DIR/links/, do not rebuild.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
@click.pass_context
def link(
    ctx: click.Context,
    link_offline: bool,
    services: tuple[str, ...],
    contact: str | None,
    no_build: bool,
    quiet: bool,
) -> None:
    """Link papers and people to Wikidata, dblp, OpenAlex, Crossref, Semantic Scholar, arXiv.

    Every answer is cached (a rerun asks nothing already answered); the checked mappings go
    to graph/links, the SSSOM table and the link report, then the dataset is rebuilt.
    """
    from .link.command import run_link_command

    run_link_command(
        settings_of(ctx),
        offline=link_offline or settings_of(ctx).offline,
        services=services,
        contact=contact,
        rebuild=not no_build,
        quiet=quiet,
    )
