"""What a build was made from, as one sha256: `dlkg build` skips a rebuild when it is unchanged.

The fingerprint covers everything that decides the built files: the sources manifest and the
sha256 of every source it pins (a fetched file is verified against that sha256, so the pin
stands for the bytes), the shipped source files themselves, the curation files, the ontology
and shapes, the settings that change the output (base IRI, --strict), and the code: the package
version plus a hash of the package's .py and .toml files. It is written beside the report as
`fingerprint.json` and compared before anything is fetched.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

from . import __version__
from .resources import ontology_dir, shapes_dir
from .settings import Settings

FILE_NAME = "fingerprint.json"
_PACKAGE_DIR = Path(__file__).resolve().parent


def _files_digest(paths: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        # a shipped source may lie outside the manifest's folder (a copied manifest)
        name = path.relative_to(root) if path.is_relative_to(root) else path
        digest.update(str(name).encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _folder_digest(folder: Path, pattern: str = "*") -> str:
    if not folder.is_dir():
        return ""
    return _files_digest([p for p in folder.rglob(pattern) if p.is_file()], folder)


def _shipped_sources(manifest: Path) -> list[Path]:
    """The files the manifest names by `path` (the client's documents in data/sources/)."""
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return []  # the build itself reports a broken manifest
    found = []
    for source in data.get("source", []):
        path = source.get("path")
        if isinstance(path, str) and (manifest.parent / path).is_file():
            found.append(manifest.parent / path)
    return found


def code_digest() -> str:
    """The package's own code and data files (issues.toml included), hashed."""
    paths = [
        p
        for p in _PACKAGE_DIR.rglob("*")
        if p.suffix in (".py", ".toml") and p.is_file() and "__pycache__" not in p.parts
    ]
    return _files_digest(paths, _PACKAGE_DIR)


def fingerprint(settings: Settings) -> dict[str, str]:
    """Each input's digest by name; two builds with equal fingerprints give the same files."""
    manifest = settings.sources_manifest
    shipped = _shipped_sources(manifest)
    return {
        "version": __version__,
        "code": code_digest(),
        "manifest": hashlib.sha256(manifest.read_bytes()).hexdigest() if manifest.is_file() else "",
        "shipped_sources": _files_digest(shipped, manifest.parent) if shipped else "",
        "curation": _folder_digest(settings.curation_dir),
        "ontology": _folder_digest(ontology_dir()),
        "shapes": _folder_digest(shapes_dir()),
        "base_iri": settings.base_iri,
        "strict": str(settings.strict),
    }


def write(folder: Path, made_from: dict[str, str]) -> None:
    (folder / FILE_NAME).write_text(json.dumps(made_from, indent=1), encoding="utf-8")


def changed_inputs(settings: Settings) -> list[str] | None:
    """The inputs that changed since the current build (empty: none), or None when there is no
    usable current build (nothing built, or a build from before fingerprints)."""
    path = settings.current_dir / FILE_NAME
    if not (settings.store_dir / "CURRENT").is_file() or not path.is_file():
        return None
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    now = fingerprint(settings)
    return [name for name, value in now.items() if stored.get(name) != value]
