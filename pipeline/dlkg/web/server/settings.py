"""`ServeSettings`: everything `dlkg serve` is told, in one frozen object.

The front process reads the HTTP limits and the worker count; the same object, pickled, is
the first frame every worker receives, so the worker and the site it runs see exactly what
the operator set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..guard import GuardLimits

# The site a worker runs: a module-level factory `create_app(settings, store) -> App`, named
# by import path so that the front process never imports the site (nor the worker).
SITE_APP = "dlkg.web.site.app:create_app"


@dataclass(frozen=True)
class Limits:
    """Sizes the front refuses before any worker sees a request."""

    max_url_bytes: int = 16 * 1024  # 414 beyond
    max_header_bytes: int = 32 * 1024  # 431 beyond
    max_body_bytes: int = 1024 * 1024  # 413 beyond
    max_connections: int = 1024


@dataclass(frozen=True)
class ServeSettings:
    """How to serve one built store."""

    store_dir: Path
    build_dir: Path  # holds dumps/ and report.json of the served build
    base_iri: str
    queries_dir: Path | None = None  # the gallery; None: the queries shipped with dlkg
    host: str = "127.0.0.1"
    port: int = 8080  # 0 picks a free port
    timeout_s: float = 10.0  # per request; the worker running it is killed beyond
    max_rows: int = 10_000
    workers: int | None = None  # None: one per CPU
    allowed_service_endpoints: tuple[str, ...] = ()
    guard_limits: GuardLimits = field(default_factory=GuardLimits)
    limits: Limits = field(default_factory=Limits)
    # Memory for all workers together (memory_budget.py): "50%" of the machine, "6G", bytes;
    # None: half the machine. create_server splits it into `memory_limit` per worker.
    memory_budget: str | int | None = None
    memory_limit: int | None = None  # bytes of address space per worker, set by create_server
    # Network isolation of the workers (sandbox.py): auto, namespace, seccomp or none as asked;
    # in the settings the workers receive, the active mode ("namespace+seccomp", ..., "none").
    isolation: str = "auto"
    # Fair sharing (fair.py): queries one client may have queued or running at once (429
    # beyond); a client is its address, or X-Forwarded-For's last entry with trust_proxy.
    client_limit: int = 8
    trust_proxy: bool = False
    max_queue: int = 512  # requests waiting for a worker (503 with Retry-After beyond)
    # Keep-alive connections handed to spare workers (lease.py), given back after this silence
    leases: bool = True
    lease_idle_s: float = 0.25
    memory_max_quads: int = 500_000  # stores up to this size are held in each worker's memory
    app: str = SITE_APP
    # SPARQL 1.1 query endpoint that answers every query instead of the local store (pages,
    # /sparql); the statistics and downloads still come from build_dir
    sparql_url: str | None = None

    def __post_init__(self) -> None:
        # Tuples, not lists, so the settings stay hashable and picklable as given.
        object.__setattr__(self, "allowed_service_endpoints", tuple(self.allowed_service_endpoints))


@dataclass(frozen=True)
class WorkerSettings:
    """What the front adds for its workers: where the snapshot is and the import path."""

    serve: ServeSettings
    snapshot: Path | None = None  # N-Quads copy of the store to hold in memory instead
    sys_path: tuple[str, ...] = ()
