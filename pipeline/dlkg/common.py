"""Small helpers every stage shares: atomic writes, sha256, Turtle folders, graph union, PREFIXes
(the PREFIX lines live in `prefixes.py`, re-exported here).

They live here, in a module that imports nothing else of dlkg but `prefixes`, so that no stage
has to import another stage (fetch, emit, the web site) just for one of them.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Collection
from pathlib import Path

from rdflib import Dataset, Graph

from .prefixes import PREFIX_BLOCK, PREFIXES, prefix_block

_RAW = re.compile(r"^https://raw\.githubusercontent\.com/([^/]+)/([^/]+)/([0-9a-f]{7,40})/(.+)$")


def upstream_line_url(download_url: str | None, line: int) -> str | None:
    """The line of a pinned upstream file on GitHub, from the file's pinned raw URL (the
    manifest's `url`: homepage owner/repo + commit + path), or None for a file that has none.

    >>> upstream_line_url("https://raw.githubusercontent.com/o/r/1a0a9df/README.md", 89)
    'https://github.com/o/r/blob/1a0a9df/README.md#L89'
    """
    found = _RAW.match(download_url or "")
    if not found or line < 1:
        return None
    owner, repo, commit, path = found.groups()
    return f"https://github.com/{owner}/{repo}/blob/{commit}/{path}#L{line}"


def write_atomic(target: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and rename: never a half-written file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).chmod(0o644)  # mkstemp makes 0600; dumps and cache are for everyone to read
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sha256_bytes(data: bytes) -> str:
    """The lower-case hex sha256 of `data`.

    >>> sha256_bytes(b"")[:16]
    'e3b0c44298fc1c14'
    """
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path, *, before: bytes = b"", after: bytes = b"") -> str:
    """The hex sha256 of a file, read in 1 MiB chunks (dumps can be large); with `before`
    and `after`, of those bytes around the file's (a file being assembled from parts)."""
    digest = hashlib.sha256(before)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)  # releases the interpreter for chunks this size
    digest.update(after)
    return digest.hexdigest()


def turtle_files(directory: Path) -> list[Path]:
    """The `*.ttl` files of `directory`, sorted so that every reader sees the same order."""
    return sorted(directory.glob("*.ttl"))


def load_turtle_dir(directory: Path) -> Graph:
    """Every `*.ttl` file of `directory` parsed into one graph; none at all is an error."""
    files = turtle_files(directory)
    if not files:
        raise FileNotFoundError(f"no .ttl files in {directory}")
    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle")
    return graph


def union_graph(data: Dataset | Graph, *, skip: Collection[str] = ()) -> Graph:
    """A plain in-memory graph holding the triples of every graph of `data` but those in `skip`
    (graph names as strings), with the standard prefixes bound.

    pySHACL validates each named graph of a Dataset separately, and a copy in an in-memory store
    (~40k triples, fast) gives indexed lookups to the SPARQL rules.
    """
    union = Graph()
    for prefix, namespace in PREFIXES.items():
        union.bind(prefix, namespace)
    if isinstance(data, Dataset):
        for s, p, o, g in data.quads((None, None, None, None)):
            if str(g) not in skip:
                union.add((s, p, o))
    else:
        for triple in data:
            union.add(triple)
    return union


def graph_prefixes(graph: Graph) -> dict[str, str]:
    """The standard prefixes plus those only `graph` binds (e.g. the shapes' own `dlkgsh:`)."""
    prefixes = dict(PREFIXES)
    standard = set(PREFIXES.values())
    for prefix, namespace in sorted(graph.namespaces()):
        if prefix and prefix not in prefixes and str(namespace) not in standard:
            prefixes[prefix] = str(namespace)
    return prefixes


__all__ = [
    "PREFIX_BLOCK",
    "graph_prefixes",
    "load_turtle_dir",
    "prefix_block",
    "sha256_bytes",
    "sha256_file",
    "turtle_files",
    "union_graph",
    "write_atomic",
]
