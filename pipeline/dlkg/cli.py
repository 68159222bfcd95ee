"""The `dlkg` command line: one command per pipeline stage, `build` chains them.

Options resolve once into a frozen `Settings` (with DLKG_* environment variables) that is passed
down. User errors print one line and exit with the code of errors.py; --debug shows tracebacks.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from . import __version__
from .cli_base import BUILD_DIR_SOURCE, LazyCli, fail, require_built, settings_of
from .errors import UsageError
from .settings import DEFAULT_BASE_IRI, VALIDATORS, Settings, default_build_dir

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_DIR = click.Path(exists=True, file_okay=False, path_type=Path)


def _command(name: str) -> click.Command:
    """The command NAME of another module, imported only when it runs or --help lists it."""
    match name:
        case "query" | "stats" | "explain":
            from . import cli_read

            return getattr(cli_read, name)  # type: ignore[no-any-return]
        case "link":
            from .cli_link import link

            return link
        case "lint":
            from .lint import lint

            return lint
        case "fmt" | "issues":
            from . import cli_tools

            return getattr(cli_tools, name)  # type: ignore[no-any-return]
        case "serve":
            from .cli_serve import serve

            return serve
        case "push":
            from .cli_push import push

            return push
        case "diff":
            from .cli_diff import diff_command

            return diff_command
    raise AssertionError(f"no lazy command {name!r}")


_LAZY = ("query", "stats", "explain", "link", "lint", "fmt", "issues", "serve", "push", "diff")


@click.group(
    cls=LazyCli,
    loader=_command,
    lazy=_LAZY,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="dlkg")
@click.option(
    "--build-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="DLKG_BUILD_DIR",
    default=None,
    help="Where the store, dumps, report and download cache live (default: see Build folder).",
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
@click.option(
    "--manifest", type=_FILE, envvar="DLKG_MANIFEST", help="Source manifest (data/sources.toml)."
)
@click.option(
    "--curation-dir", type=_DIR, envvar="DLKG_CURATION_DIR", help="Its curation (data/curation)."
)
@click.option("--offline", is_flag=True, envvar="DLKG_OFFLINE", help="Never use the network.")
@click.option("--debug", is_flag=True, help="Show tracebacks and the engine's full error text.")
@click.pass_context
def main(
    ctx: click.Context,
    build_dir: Path | None,
    cache_dir: Path | None,
    mirror_dir: Path | None,
    base_iri: str,
    manifest: Path | None,
    curation_dir: Path | None,
    offline: bool,
    debug: bool,
) -> None:
    """dlkg: build, validate, query and serve the deep-learning papers knowledge graph."""
    ctx.meta["dlkg.debug"] = debug
    if mirror_dir is not None and not mirror_dir.is_dir():
        raise UsageError(f"--mirror: no such folder: {mirror_dir}")
    source = ctx.get_parameter_source("build_dir")
    if build_dir is None:
        build_dir, why = default_build_dir()
    else:
        from_env = source is click.core.ParameterSource.ENVIRONMENT
        why = "DLKG_BUILD_DIR" if from_env else "--build-dir"
    ctx.meta[BUILD_DIR_SOURCE] = why
    build_dir = build_dir.absolute()
    settings = Settings(
        build_dir=build_dir,
        cache_dir=(cache_dir or build_dir / "cache").absolute(),
        base_iri=base_iri,
        mirror_dir=mirror_dir.absolute() if mirror_dir else None,
        offline=offline,
    )
    given: dict[str, Any] = {"sources_manifest": manifest, "curation_dir": curation_dir}
    ctx.obj = replace(settings, **{k: v.absolute() for k, v in given.items() if v is not None})


@main.command()
@click.pass_context
def fetch(ctx: click.Context) -> None:
    """Download (or copy from --mirror) every source and verify its sha256."""
    from .fetch import fetch_all, load_manifest

    settings = settings_of(ctx)
    specs = load_manifest(settings.sources_manifest)
    for source in fetch_all(
        specs,
        cache_dir=settings.cache_dir,
        mirror_dir=settings.mirror_dir,
        offline=settings.offline,
    ):
        click.echo(f"{source.spec.id:<17} {source.origin:<8} {source.sha256[:12]}  {source.path}")


# `build` and `validate` choose the SHACL engine the same way.
_validator_option = click.option(
    "--validator",
    type=click.Choice(VALIDATORS),
    default=VALIDATORS[0],
    show_default=True,
    help="SHACL engine: the fast Rust `shacl`, or pySHACL (the reference; same report, slower).",
)


@main.command()
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--force", is_flag=True, help="Rebuild even when nothing changed.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
@click.option("--verbose", "-v", is_flag=True, help="List every warning, not their counts.")
@_validator_option
@click.pass_context
def build(
    ctx: click.Context, strict: bool, force: bool, quiet: bool, verbose: bool, validator: str
) -> None:
    """Run the whole pipeline and publish the store, dumps and report atomically.

    Skipped, saying so, when the current build was made from the same sources, curation
    files, ontology, shapes, settings and code (see `fingerprint.json` in the build).
    """
    from dataclasses import replace

    from . import fingerprint

    settings = replace(settings_of(ctx), strict=strict, validator=validator)
    changed = None if force else fingerprint.changed_inputs(settings)
    if changed == []:
        click.echo(
            "build is up to date: sources, curation, ontology, shapes and code unchanged "
            "(`dlkg build --force` rebuilds)"
        )
        return
    from tqdm import tqdm

    from .build import STEPS
    from .build import build as run_build
    from .records import Level

    with tqdm(total=len(STEPS), disable=quiet, unit="step", file=sys.stderr) as bar:

        def on_step(step: str) -> None:
            bar.set_postfix_str(step)
            bar.update(1)

        report = run_build(settings, on_step)
    if not quiet:
        for line in report.summary_lines():
            click.echo(line)
        if verbose:  # streamed from the parked file: x1000 has ~800k warnings
            for issue in report.all_issues():
                if issue.level is Level.WARNING:
                    click.echo(f"  {issue}")
        elif report.issue_count(Level.WARNING):  # counted: the warnings are not read back
            click.echo("warnings by code (each with file and line in the report; -v lists them):")
            for line in report.warning_summary_lines():
                click.echo(line)
        click.echo(f"report: {settings.report_path}")


@main.command()
@click.option(
    "--data",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Validate this RDF file (Turtle, TriG, N-Triples, N-Quads) instead of the built store.",
)
@_validator_option
@click.pass_context
def validate(ctx: click.Context, data: Path | None, validator: str) -> None:
    """Validate the built dataset (or --data FILE) against the SHACL shapes."""
    import rdflib

    from .common import union_graph
    from .errors import NotConformant
    from .validate import validate_graph

    settings = settings_of(ctx)
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

        require_built(settings)
        store = open_read_only(settings.store_dir)
        graph.parse(data=store.dump(format=_nquads()), format="nquads")
    report = validate_graph(graph, validator=validator)
    click.echo(report.text())
    if not report.conforms:
        raise NotConformant(report.summary())


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
    import os
    import tempfile

    from .errors import StoreError
    from .export import add_downloads, export_dumps, report_downloads
    from .iris import IriMinter
    from .resources import ontology_dir
    from .store import open_read_only

    settings = settings_of(ctx)
    require_built(settings)
    store = open_read_only(settings.store_dir)
    target = out or settings.dumps_dir
    # the store's quads as a file, exported as the build exports its emitted file, so that the
    # dumps come out as the build's (the TriG in the same sorted order)
    try:
        target.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=target, prefix=".store-", suffix=".nq")
        os.close(fd)
    except OSError as err:
        raise StoreError(f"cannot write into it: {err.strerror or err}", path=target) from None
    quads = Path(name)
    try:
        try:
            store.dump(str(quads), format=_nquads())
        except OSError as err:
            reason = err.strerror or str(err)
            raise StoreError(f"cannot write the store's quads: {reason}", path=target) from None
        dumps = export_dumps(
            store,
            target,
            minter=IriMinter(settings.base_iri),
            context_path=ontology_dir() / "context.jsonld",
            nquads=[quads],
            graphs=[graph.value for graph in store.named_graphs()],
        )
    finally:
        quads.unlink(missing_ok=True)
    # the build's report goes with the dumps it describes
    for dump in [*dumps, *add_downloads(target, report_downloads(settings.current_dir))]:
        click.echo(f"{dump.sha256}  {dump.size:>9}  {target / dump.file_name}")


def _nquads() -> Any:
    import pyoxigraph as ox

    return ox.RdfFormat.N_QUADS


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

    settings = settings_of(ctx)
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
        fail(f"{path}: out of date; run `dlkg registry --update`", 1)
