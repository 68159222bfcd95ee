"""`dlkg push URL`: the command line of push.py (registered on the `dlkg` group by cli.py)."""

from __future__ import annotations

import sys

import click

from .errors import UsageError
from .settings import Settings


@click.command()
@click.argument("url")
@click.option(
    "--store",
    "store_kind",
    type=click.Choice(["oxigraph", "virtuoso", "fuseki"]),
    default="oxigraph",
    show_default=True,
    help="Kind of store at URL; gives the paths of its services (fuseki: URL of the dataset).",
)
@click.option("--query-url", help="SPARQL query endpoint (default: from --store).")
@click.option("--update-url", help="SPARQL update endpoint (default: from --store).")
@click.option("--gsp-url", help="Graph Store Protocol endpoint (default: from --store).")
@click.option(
    "--method",
    type=click.Choice(["gsp", "bulk"]),
    default="gsp",
    show_default=True,
    help="gsp: requests per named graph; bulk: N-Quads to the store's dataset endpoint.",
)
@click.option(
    "--switch",
    type=click.Choice(["move", "delta"]),
    default=None,
    help="How each graph is replaced: MOVE of the staged copy, or writing only the triples "
    "that differ (default: from --store; delta on Oxigraph).",
)
@click.option(
    "--new-graphs",
    type=click.Choice(["staged", "direct"]),
    default="staged",
    show_default=True,
    help="direct: a graph the store does not hold yet is uploaded under its own name, in "
    "transactions of --chunk triples (a first push too big for one transaction); clients see "
    "it fill.",
)
@click.option(
    "--chunk",
    default=200_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Triples per upload request, and per delete of a staging graph (one transaction each).",
)
@click.option("--retries", default=3, show_default=True, type=click.IntRange(min=0))
@click.option("--timeout", "timeout_s", default=300.0, show_default=True, type=float)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.pass_context
def push(
    ctx: click.Context,
    url: str,
    store_kind: str,
    query_url: str | None,
    update_url: str | None,
    gsp_url: str | None,
    method: str,
    switch: str | None,
    new_graphs: str,
    chunk: int,
    retries: int,
    timeout_s: float,
    quiet: bool,
) -> None:
    """Load the current build into the SPARQL store at URL, replacing the previous push.

    Each graph is replaced whole in one update; between the first and the last graph's update
    a client may see some graphs of each build (docs/scale.md). If the push fails during that
    switch, every graph is old or new and pushing again finishes it. With --new-graphs direct
    the graphs the store does not hold yet skip the staging and the switch (a failed or killed
    push drops them).

    Credentials: DLKG_PUSH_TOKEN (bearer), or DLKG_PUSH_USER and DLKG_PUSH_PASSWORD."""
    from tqdm import tqdm

    from .iris import IriMinter
    from .push import push as run_push
    from .push_http import Client, auth_from_env, endpoints_for
    from .store import open_read_only

    settings = ctx.obj
    assert isinstance(settings, Settings)
    overrides = {"query": query_url, "update": update_url, "gsp": gsp_url, "switch": switch}
    endpoints = endpoints_for(url, store_kind, overrides)
    if method == "bulk" and endpoints.bulk is None:
        raise UsageError(f"--method bulk: a {store_kind} store has no N-Quads endpoint; use gsp")
    client = Client(endpoints, auth_from_env(endpoints.auth), retries=retries, timeout_s=timeout_s)
    store = open_read_only(settings.store_dir)
    build_id = settings.current_dir.resolve().name
    prefix = str(IriMinter(settings.base_iri).graph(""))
    with tqdm(disable=quiet, unit="triple", unit_scale=True, file=sys.stderr) as bar:
        done: dict[str, int] = {}  # triples sent so far per graph (`sent` is per graph)

        def on_progress(graph: str, sent: int, total: int) -> None:
            bar.set_postfix_str(f"{graph.removeprefix(prefix)} {sent}/{total}")
            bar.update(sent - done.get(graph, 0))
            done[graph] = sent

        result = run_push(
            client,
            store,
            build_id=build_id,
            prefix=prefix,
            method=method,
            chunk=chunk,
            new_graphs=new_graphs,
            on_progress=on_progress,
        )
    for graph, count in result.counts.items():
        click.echo(f"{count:>9}  {graph}")
    for graph in result.dropped:
        click.echo(f"  dropped  {graph}")
    if result.direct:
        click.echo(f"{len(result.direct)} new graphs uploaded directly (--new-graphs direct)")
    click.echo(f"pushed build {result.build_id} to {endpoints.gsp}")
