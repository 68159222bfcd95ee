"""The `dlkg` command line: one command per pipeline stage, `build` chains them.

Options resolve once into a frozen `Settings` (with DLKG_* environment variables) that is passed
down. User errors print one line and exit with the code of errors.py; --debug shows tracebacks.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from . import __version__
from .cli_tools import fmt, issues
from .errors import INTERNAL_ERROR, DlkgError, UsageError
from .settings import DEFAULT_BASE_IRI, Settings

F = TypeVar("F", bound=Callable[..., Any])


def _default_build_dir() -> Path:
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "dlkg"


class _Cli(click.Group):
    """Maps DlkgError to one line on stderr and its exit code; anything else is a bug.

    Only `DlkgError`s are user errors. Any other exception (a ValueError included) is a bug in
    dlkg and must not pass for a usage error: it is shown with its traceback and exit code 70.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DlkgError as exc:
            if ctx.meta.get("dlkg.debug"):
                raise
            _fail(str(exc), exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except Exception:
            traceback.print_exc()
            _fail("internal error, please report it with the traceback above", INTERNAL_ERROR)


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dlkg")
@click.option(
    "--build-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="DLKG_BUILD_DIR",
    default=_default_build_dir,
    show_default="$XDG_DATA_HOME/dlkg",
    help="Where the store, dumps, report and download cache live.",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="DLKG_CACHE_DIR",
    default=None,
    help="Download cache (default: BUILD_DIR/cache).",
)
@click.option(
    "--mirror",
    "mirror_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="DLKG_MIRROR",
    default=None,
    help="Read the upstream files from this folder instead of downloading them.",
)
@click.option(
    "--base-iri",
    envvar="DLKG_BASE_IRI",
    default=DEFAULT_BASE_IRI,
    show_default=True,
    help="Base of every IRI the dataset mints.",
)
@click.option("--offline", is_flag=True, envvar="DLKG_OFFLINE", help="Never use the network.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.pass_context
def main(
    ctx: click.Context,
    build_dir: Path,
    cache_dir: Path | None,
    mirror_dir: Path | None,
    base_iri: str,
    offline: bool,
    debug: bool,
) -> None:
    """dlkg: build, validate, query and serve the deep-learning papers knowledge graph."""
    ctx.meta["dlkg.debug"] = debug
    if mirror_dir is not None and not mirror_dir.is_dir():
        raise UsageError(f"--mirror: no such folder: {mirror_dir}")
    build_dir = build_dir.absolute()
    ctx.obj = Settings(
        build_dir=build_dir,
        cache_dir=(cache_dir or build_dir / "cache").absolute(),
        base_iri=base_iri,
        mirror_dir=mirror_dir.absolute() if mirror_dir else None,
        offline=offline,
    )


def _settings(ctx: click.Context) -> Settings:
    settings = ctx.obj
    assert isinstance(settings, Settings)
    return settings


@main.command()
@click.pass_context
def fetch(ctx: click.Context) -> None:
    """Download (or copy from --mirror) every source and verify its sha256."""
    from .fetch import fetch_all, load_manifest

    settings = _settings(ctx)
    specs = load_manifest(settings.sources_manifest)
    for source in fetch_all(
        specs,
        cache_dir=settings.cache_dir,
        mirror_dir=settings.mirror_dir,
        offline=settings.offline,
    ):
        click.echo(f"{source.spec.id:<17} {source.origin:<8} {source.sha256[:12]}  {source.path}")


@main.command()
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
@click.pass_context
def build(ctx: click.Context, strict: bool, quiet: bool) -> None:
    """Run the whole pipeline and publish the store, dumps and report atomically."""
    from dataclasses import replace

    from tqdm import tqdm

    from .build import STEPS
    from .build import build as run_build

    settings = replace(_settings(ctx), strict=strict)
    with tqdm(total=len(STEPS), disable=quiet, unit="step", file=sys.stderr) as bar:

        def on_step(step: str) -> None:
            bar.set_postfix_str(step)
            bar.update(1)

        report = run_build(settings, on_step)
    if not quiet:
        for line in report.summary_lines():
            click.echo(line)
        for issue in report.warnings:
            click.echo(f"  {issue}")
        click.echo(f"report: {settings.report_path}")


@main.command()
@click.option(
    "--data",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Validate this RDF file (Turtle, TriG, N-Triples, N-Quads) instead of the built store.",
)
@click.pass_context
def validate(ctx: click.Context, data: Path | None) -> None:
    """Validate the built dataset (or --data FILE) against the SHACL shapes."""
    import rdflib

    from .common import union_graph
    from .errors import NotConformant
    from .validate import validate_graph

    settings = _settings(ctx)
    graph = rdflib.Graph()
    if data is not None:
        ds = rdflib.Dataset()
        try:
            ds.parse(data)
        except Exception as exc:  # rdflib raises many parser-specific types
            raise UsageError(f"cannot parse: {exc}", path=data) from None
        graph = union_graph(ds)
    else:
        from .store import open_read_only

        store = open_read_only(settings.store_dir)
        graph.parse(data=store.dump(format=_nquads()), format="nquads")
    report = validate_graph(graph)
    click.echo(report.text())
    if not report.conforms:
        raise NotConformant(report.summary())


def _nquads() -> Any:
    import pyoxigraph as ox

    return ox.RdfFormat.N_QUADS


@main.command()
@click.argument("query")
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["table", "csv", "json", "turtle"]),
    default="table",
    show_default=True,
)
@click.pass_context
def query(ctx: click.Context, query: str, fmt: str) -> None:
    """Run QUERY (SPARQL text or a .rq file) against the built store."""
    from .query import run_cli_query

    text = query
    if query.endswith(".rq") or Path(query).is_file():
        path = Path(query)
        if not path.is_file():
            raise UsageError("no such query file", path=path)
        text = path.read_text(encoding="utf-8")
    click.echo(run_cli_query(_settings(ctx).store_dir, text, fmt), nl=False)


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the dumps (default: the current build's dumps folder).",
)
@click.pass_context
def export(ctx: click.Context, out: Path | None) -> None:
    """Write Turtle, N-Triples, TriG, N-Quads and JSON-LD dumps with SHA256SUMS."""
    from .export import export_dumps
    from .iris import IriMinter
    from .resources import ontology_dir
    from .store import open_read_only

    settings = _settings(ctx)
    store = open_read_only(settings.store_dir)
    target = out or settings.dumps_dir
    for dump in export_dumps(
        store,
        target,
        minter=IriMinter(settings.base_iri),
        context_path=ontology_dir() / "context.jsonld",
    ):
        click.echo(f"{dump.sha256}  {dump.size:>9}  {target / dump.file_name}")


@main.command(short_help="Counts per class, list and section, or the statistics of TOPIC.")
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
    if topic is not None or out is not None or plots is not None:
        from .stats.command import run_stats_command

        run_stats_command(
            _settings(ctx).store_dir,
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

    result = dataset_stats(_settings(ctx).store_dir)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    for title, rows in result.items():
        click.echo(f"# {title}")
        for name, count in rows.items():
            click.echo(f"{count:>7}  {name}")


@main.command()
@click.argument("what")
@click.pass_context
def explain(ctx: click.Context, what: str) -> None:
    """Why a paper or person node is what it is: its records, rules and scores."""
    from .build import parse_and_resolve
    from .explain import explain as explain_node
    from .report import StepTimer

    settings = _settings(ctx)
    parsed = parse_and_resolve(settings, StepTimer(), lambda _s: None)
    key = what
    if what.startswith(settings.base_iri):
        key = what[len(settings.base_iri) :].split("/", 1)[-1]
    click.echo(explain_node(parsed.resolution, key))


@main.command()
@click.option(
    "--curation-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of decisions.tsv and keys.tsv (default: the project's data/curation).",
)
@click.option("--update", is_flag=True, help="Rewrite keys.tsv from the sources.")
@click.option("--prune", is_flag=True, help="With --update: drop keys that match nothing.")
@click.pass_context
def registry(ctx: click.Context, curation_dir: Path | None, update: bool, prune: bool) -> None:
    """Check (or --update) data/curation/keys.tsv, which keeps every minted IRI stable."""
    from dataclasses import replace

    from .build import parse_and_resolve
    from .common import write_atomic
    from .report import StepTimer
    from .resolve.curation import KEYS_FILE
    from .resolve.keys import refreshed_registry

    settings = _settings(ctx)
    if curation_dir is not None:
        settings = replace(settings, curation_dir=curation_dir.absolute())
    resolution = parse_and_resolve(settings, StepTimer(), lambda _s: None).resolution
    text, issues = refreshed_registry(resolution, settings.curation_dir, prune=prune)
    for issue in issues:
        click.echo(str(issue))
    path = settings.curation_dir / KEYS_FILE
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    if text == current:
        click.echo(f"{path}: up to date")
    elif update:
        write_atomic(path, text.encode("utf-8"))
        click.echo(f"{path}: updated; review the diff and commit it")
    else:
        _fail(f"{path}: out of date; run `dlkg registry --update`", 1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="DLKG_HOST")
@click.option("--port", default=8080, show_default=True, type=int, envvar="DLKG_PORT")
@click.option(
    "--timeout",
    "timeout_s",
    default=10.0,
    show_default=True,
    type=float,
    help="Per-query time limit in seconds.",
)
@click.option("--max-rows", default=10000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="Query worker processes.")
@click.option(
    "--allow-service",
    multiple=True,
    help="SERVICE endpoint allowed in queries (repeatable; none by default). Needs "
    "--isolation none: isolated workers cannot reach any endpoint.",
)
@click.option(
    "--isolation",
    type=click.Choice(["auto", "namespace", "seccomp", "none"]),
    metavar="MODE",
    default="auto",
    show_default=True,
    help="How query workers are cut off from the network: namespace (own empty network "
    "namespace), seccomp (only Unix sockets), auto (both where the kernel allows, loud "
    "warning if neither), none (loud warning). The active mode is printed at startup and "
    "stated in the service description (GET /sparql). See docs/security.md.",
)
@click.option(
    "--memory-budget",
    metavar="SIZE",
    default="50%",
    show_default=True,
    help="Memory for all query workers together: a share of the machine (cgroup limit or "
    "MemTotal) or a size (6G, 512M). Each of the at most 2 x workers + 4 worker processes "
    "(fewer if the budget is small) gets an equal share as its ceiling; a query over it "
    "answers 507.",
)
@click.option(
    "--client-limit",
    default=8,
    show_default=True,
    type=int,
    help="Queries one client may have queued or running at once; more answer 429 with "
    "Retry-After. A client is its address (see --trust-proxy).",
)
@click.option(
    "--trust-proxy",
    is_flag=True,
    help="Behind a reverse proxy: count each request against the last X-Forwarded-For "
    "address (the one the proxy saw) instead of the proxy's own address. Only with a proxy "
    "that sets it: clients could otherwise choose their address. See docs/security.md.",
)
@click.option(
    "--memory-max-quads",
    default=500_000,
    show_default=True,
    type=int,
    help="Hold stores up to this size in each worker's memory (0: always read from disk).",
)
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    timeout_s: float,
    max_rows: int,
    workers: int | None,
    allow_service: tuple[str, ...],
    isolation: str,
    memory_budget: str,
    client_limit: int,
    trust_proxy: bool,
    memory_max_quads: int,
) -> None:
    """Serve SPARQL, linked-data pages, downloads and the query UI."""
    from .build import release_run
    from .pins import pinned
    from .resources import queries_dir
    from .store import open_read_only
    from .web.server.serve import create_server
    from .web.server.settings import ServeSettings

    settings = _settings(ctx)
    if timeout_s <= 0:
        raise UsageError("--timeout must be positive")
    # Checked here, not by click types: one line and exit 2 like every other usage error.
    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535 (0: any free port), not {port}")
    for name, number in (
        ("--workers", workers),
        ("--max-rows", max_rows),
        ("--client-limit", client_limit),
    ):
        if number is not None and number < 1:
            raise UsageError(f"{name} must be at least 1, not {number}")
    if memory_max_quads < 0:
        raise UsageError(f"--memory-max-quads must be 0 or more, not {memory_max_quads}")
    probe = open_read_only(settings.store_dir)  # fail early, with one line, if nothing is built
    del probe
    store_dir = settings.store_dir.resolve()
    build_dir = settings.current_dir.resolve()
    server = create_server(
        ServeSettings(
            store_dir=store_dir,
            build_dir=build_dir,
            base_iri=settings.base_iri,
            host=host,
            port=port,
            queries_dir=queries_dir(),
            timeout_s=timeout_s,
            max_rows=max_rows,
            workers=workers,
            allowed_service_endpoints=allow_service,
            isolation=isolation,
            memory_budget=memory_budget,
            client_limit=client_limit,
            trust_proxy=trust_proxy,
            memory_max_quads=memory_max_quads,
        )
    )
    click.echo(f"dlkg serving {store_dir} at http://{host}:{server.port}/ (Ctrl-C stops)")
    click.echo(server.banner)
    # Pin the run served, so rebuilds keep it while this server runs (pins.py).
    in_runs = build_dir.parent == settings.runs_dir.resolve()
    pin = pinned(build_dir, lambda: release_run(settings)) if in_runs else nullcontext()
    with pin:
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()


main.add_command(fmt)
main.add_command(issues)
