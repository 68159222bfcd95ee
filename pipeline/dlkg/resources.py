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


def ontology_dir() -> Path:
    return resource_root() / "ontology"


def shapes_dir() -> Path:
    return resource_root() / "shapes"


def data_dir() -> Path:
    return resource_root() / "data"


def queries_dir() -> Path:
    return resource_root() / "queries"
