"""Locate the files that ship with dlkg (ontology, shapes, sources manifest, seeds, queries).

A wheel carries them inside the package under `dlkg/_resources/` (see pyproject.toml); a source
checkout or editable install finds them at the repository root. Never the current directory.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resource_root() -> Path:
    """The folder holding `ontology/`, `shapes/`, `data/` and `queries/`."""
    bundled = _PACKAGE_DIR / "_resources"
    if (bundled / "ontology").is_dir():
        return bundled
    checkout = _PACKAGE_DIR.parent.parent  # pipeline/dlkg -> repository root
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError(f"dlkg resources not found in {bundled} or {checkout}")


def _is_checkout(folder: Path) -> bool:
    """A source checkout of dlkg: the package and the shipped folders side by side."""
    return (folder / "pipeline" / "dlkg" / "__init__.py").is_file() and (
        folder / "ontology"
    ).is_dir()


def checkout_root(cwd: Path | None = None) -> Path | None:
    """The dlkg checkout this dlkg runs from (editable install, PYTHONPATH), else the one the
    current folder is in (a wheel run inside a checkout), else None.

    The package's own checkout comes first: its code reads that checkout's sources and
    curation, so its build belongs there too.
    """
    own = _PACKAGE_DIR.parent.parent
    if _is_checkout(own):
        return own
    start = (cwd or Path.cwd()).absolute()
    return next((d for d in (start, *start.parents) if _is_checkout(d)), None)


def ontology_dir() -> Path:
    return resource_root() / "ontology"


def shapes_dir() -> Path:
    return resource_root() / "shapes"


def data_dir() -> Path:
    return resource_root() / "data"


def queries_dir() -> Path:
    return resource_root() / "queries"
