"""Settings resolved once (CLI options and DLKG_* environment variables) and passed down."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError
from .resources import checkout_root, data_dir

DEFAULT_BASE_IRI = "https://w3id.org/dlkg/"
# SHACL engines (validate/): the fast Rust `shacl` package, and pySHACL, the reference; both
# give the same report (tests/validate/test_engines.py)
VALIDATORS = ("shacl", "pyshacl")


@dataclass(frozen=True)
class Settings:
    """Where things live and how the pipeline behaves. Nothing here touches the disk."""

    build_dir: Path  # holds store/, dumps/, report.json; replaced atomically by `dlkg build`
    cache_dir: Path  # downloaded upstream files, verified by sha256
    base_iri: str = DEFAULT_BASE_IRI
    mirror_dir: Path | None = None  # read upstream files from here instead of downloading
    sources_manifest: Path = field(default_factory=lambda: data_dir() / "sources.toml")
    curation_dir: Path = field(default_factory=lambda: data_dir() / "curation")
    strict: bool = False  # warnings fail the build
    offline: bool = False  # never touch the network
    validator: str = VALIDATORS[0]  # the SHACL engine of `dlkg build` (one of VALIDATORS)

    # A build is written into runs/<id>/ and published by atomically re-pointing the `current`
    # symlink, so readers never see a half-built store or a mix of two builds' dumps.
    @property
    def current_dir(self) -> Path:
        return self.build_dir / "current"

    @property
    def runs_dir(self) -> Path:
        return self.build_dir / "runs"

    @property
    def store_dir(self) -> Path:
        return self.current_dir / "store"

    @property
    def dumps_dir(self) -> Path:
        return self.current_dir / "dumps"

    @property
    def report_path(self) -> Path:
        return self.current_dir / "report.json"

    def __post_init__(self) -> None:
        check_base_iri(self.base_iri)
        if self.validator not in VALIDATORS:
            raise UsageError(f"--validator must be one of {', '.join(VALIDATORS)}")


def default_build_dir() -> tuple[Path, str]:
    """The build folder when neither --build-dir nor DLKG_BUILD_DIR names one, and why.

    Inside a checkout it is the checkout's `data/build`, the folder `make serve` builds into,
    so `dlkg query` after `make serve` reads that build; elsewhere a per-user data folder.
    """
    root = checkout_root()
    if root is not None:
        inside = Path.cwd().absolute().is_relative_to(root)
        return root / "data" / "build", "this checkout" if inside else "dlkg's checkout"
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "dlkg", "per-user"


def shown_path(path: Path) -> str:
    """`path` relative to the current folder when inside it (`data/build`), else absolute."""
    try:
        return str(path.absolute().relative_to(Path.cwd())) or "."
    except ValueError:
        return str(path.absolute())


_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|\\^`]')


def check_base_iri(base: str) -> None:
    """An absolute http(s) IRI ending in '/' or '#', with no character IRIs forbid."""
    if not re.match(r"https?://[^/?#]+", base):
        raise UsageError(f"--base-iri must be an absolute http(s) IRI: {base!r}")
    bad = _IRI_FORBIDDEN.search(base)
    if bad:
        raise UsageError(f"--base-iri contains a character IRIs forbid ({bad.group()!r}): {base!r}")
    if not base.endswith(("/", "#")):
        raise UsageError(f"--base-iri must end with '/' or '#': {base!r}")
