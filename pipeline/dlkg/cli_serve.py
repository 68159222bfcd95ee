"""`dlkg serve`: the SPARQL endpoint, the pages and the downloads over the current build."""

from __future__ import annotations

from contextlib import nullcontext

import click

from .cli_base import require_built, settings_of
from .errors import UsageError


@click.command()
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
@click.option(
    "--check-port",
    is_flag=True,
    help="Only check that HOST:PORT is free (exit 0) or say it is taken (exit 2); serve nothing.",
)
@click.option(
    "--sparql-url",
    default=None,
    envvar="DLKG_SPARQL_URL",
    help="SPARQL 1.1 query endpoint of a store holding the build (e.g. after `dlkg push`): "
    "pages and /sparql query it; statistics and downloads stay local. Its default graph must "
    "be the union of the named graphs.",
)
@click.option(
    "--no-leases",
    is_flag=True,
    help="Never hand a keep-alive connection to a query worker: every request goes through "
    'the front process (slower lookups; see docs/security.md, "Leased connections").',
)
@click.pass_context
def serve(
    ctx: click.Context,
    check_port: bool,
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
    sparql_url: str | None,
    no_leases: bool,
) -> None:
    """Serve SPARQL, linked-data pages, downloads and the query UI."""
    from .build import release_run
    from .pins import pinned
    from .resources import queries_dir
    from .store import open_read_only
    from .web.server.serve import create_server
    from .web.server.settings import ServeSettings

    if check_port:  # `make serve` asks before it spends time building
        _check_port(host, port)
        return
    settings = settings_of(ctx)
    if timeout_s <= 0:
        raise UsageError("--timeout must be positive")
    require_built(settings)
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
    if sparql_url is not None and not sparql_url.startswith(("http://", "https://")):
        raise UsageError(f"--sparql-url must be an http(s) URL, not {sparql_url!r}")
    _check_port(host, port)
    probe = open_read_only(settings.store_dir)  # fail early, with one line, if it cannot open
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
            sparql_url=sparql_url,
            leases=not no_leases,
        )
    )
    where = f"queries to {sparql_url}; " if sparql_url else ""
    server.catch_stop_signals()  # a Ctrl-C from the banner on stops it cleanly
    click.echo(f"dlkg serving {store_dir} at http://{host}:{server.port}/ ({where}Ctrl-C stops)")
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


def _check_port(host: str, port: int) -> None:
    """Raise UsageError (one line, exit 2) when nothing can listen on host:port."""
    import os
    import socket

    try:
        socket.create_server((host, port)).close()
    except OSError as err:
        reason = os.strerror(err.errno) if err.errno else str(err)
        raise UsageError(
            f"cannot listen on {host}:{port} ({reason}); "
            "stop what uses it or choose another port (make serve PORT=8081, --port)"
        ) from None
