"""Fetch: read the source manifest and get every source's verified bytes.

Upstream files come from the cache, a mirror folder (`--mirror DIR` / `DLKG_MIRROR`) or a
download by pinned URL, in that order; shipped files come from data/. Every path checks the
sha256 pinned in data/sources.toml before anything is written, so a bad download or mirror
leaves the cache as it was. Writes are atomic (temporary file, then `os.replace`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from . import sources
from .common import sha256_bytes, write_atomic
from .errors import ChecksumError, OfflineError, SourceError, UsageError


@dataclass(frozen=True)
class SourceSpec:
    """One entry of data/sources.toml."""

    id: str
    title: str
    kind: str  # a kind of the registry in sources.py
    language: str
    licence: str
    sha256: str
    file_name: str  # what users see in file:line messages
    url: str | None = None  # pinned download address (upstream sources)
    mirror_path: str | None = None  # path inside a mirror folder
    path: Path | None = None  # shipped file (client documents)
    homepage: str | None = None
    commit: str | None = None
    translation_of: str | None = None
    min_entries: int = 1  # fewer parsed entries than this means the file is truncated
    list_name: str | None = None  # name of the list in the source's language
    list_name_en: str | None = None  # English name of a translated list


@dataclass(frozen=True)
class FetchedSource:
    spec: SourceSpec
    path: Path  # the verified local file
    text: str
    sha256: str
    origin: str  # "cache", "mirror", "download" or "shipped"


def load_manifest(manifest: Path) -> list[SourceSpec]:
    """Parse data/sources.toml; a malformed manifest is a one-line UsageError."""
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError("source manifest not found", path=manifest) from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"invalid TOML: {exc}", path=manifest) from None
    specs: list[SourceSpec] = []
    entries = list(enumerate(data.get("source", []), start=1))
    by_id = {raw.get("id"): raw.get("kind") for _, raw in entries}
    for i, raw in entries:
        where = f"{manifest} [[source]] #{i}"
        missing = [k for k in ("id", "title", "kind", "language", "sha256") if k not in raw]
        if missing:
            raise UsageError(f"{where}: missing {', '.join(missing)}")
        sources.check_entry(raw, f"{where} ({raw['id']})", by_id)
        if ("url" in raw) == ("path" in raw):
            raise UsageError(f"{where}: give exactly one of url (upstream) or path (shipped)")
        if not isinstance(raw.get("min_entries", 1), int):
            raise UsageError(f"{where}: min_entries must be an integer")
        path = (manifest.parent / raw["path"]).resolve() if "path" in raw else None
        url = raw.get("url")
        file_name = path.name if path else str(raw.get("mirror_path") or url).rsplit("/", 1)[-1]
        specs.append(
            SourceSpec(
                id=raw["id"],
                title=raw["title"],
                kind=raw["kind"],
                language=raw["language"],
                licence=raw.get("licence", ""),
                sha256=raw["sha256"].lower(),
                file_name=file_name,
                url=url,
                mirror_path=raw.get("mirror_path"),
                path=path,
                homepage=raw.get("homepage"),
                commit=raw.get("commit"),
                translation_of=raw.get("translation_of"),
                min_entries=raw.get("min_entries", 1),
                list_name=raw.get("list_name"),
                list_name_en=raw.get("list_name_en"),
            )
        )
    ids = [s.id for s in specs]
    if len(set(ids)) != len(ids):
        raise UsageError(f"{manifest}: duplicate source ids")
    return specs


def decode_utf8(data: bytes, where: str) -> str:
    """Strict UTF-8 (a BOM is allowed); a bad byte is reported with its line number."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            path=where,
            line=line,
        ) from None


def _verify(spec: SourceSpec, data: bytes, where: str) -> None:
    actual = sha256_bytes(data)
    if actual != spec.sha256:
        raise ChecksumError(
            f"sha256 mismatch for source {spec.id!r}: expected {spec.sha256[:12]}…, got "
            f"{actual[:12]}… ({len(data)} bytes); nothing was replaced",
            path=where,
        )


def _session() -> requests.Session:
    session = requests.Session()
    retry = Retry(total=3, backoff_factor=0.5, status_forcelist=(429, 500, 502, 503, 504))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.mount("http://", HTTPAdapter(max_retries=retry))
    return session


def _download(spec: SourceSpec, timeout_s: float) -> bytes:
    assert spec.url is not None
    try:
        response = _session().get(spec.url, timeout=timeout_s)
    except requests.RequestException as exc:
        raise OfflineError(
            f"cannot download {spec.id!r} ({type(exc).__name__}); the cache has no verified copy. "
            "Run again online, or pass --mirror DIR (env DLKG_MIRROR) with the upstream files",
            path=spec.url,
        ) from None
    if response.status_code != 200:
        raise SourceError(f"download failed with HTTP {response.status_code}", path=spec.url)
    return response.content


def fetch_source(
    spec: SourceSpec,
    *,
    cache_dir: Path,
    mirror_dir: Path | None,
    offline: bool,
    timeout_s: float = 30.0,
) -> FetchedSource:
    """Return the verified text of one source (see module docstring for the order)."""
    if spec.path is not None:
        try:
            data = spec.path.read_bytes()
        except OSError as exc:
            raise SourceError(
                f"cannot read shipped source: {exc.strerror}", path=spec.path
            ) from None
        _verify(spec, data, str(spec.path))
        return FetchedSource(
            spec, spec.path, decode_utf8(data, str(spec.path)), spec.sha256, "shipped"
        )

    cached = cache_dir / spec.sha256 / spec.file_name  # content-addressed: a new pin never collides
    if cached.is_file():
        data = cached.read_bytes()
        if sha256_bytes(data) == spec.sha256:
            return FetchedSource(spec, cached, decode_utf8(data, str(cached)), spec.sha256, "cache")
        # A corrupted cache entry is not an error: it is replaced by a verified copy below.
    if mirror_dir is not None:
        mirrored = mirror_dir / (spec.mirror_path or spec.file_name)
        try:
            data = mirrored.read_bytes()
        except OSError:
            raise SourceError(
                f"source {spec.id!r} not found in the mirror (expected {spec.mirror_path})",
                path=mirror_dir,
            ) from None
        _verify(spec, data, str(mirrored))
        text = decode_utf8(data, str(mirrored))
        write_atomic(cached, data)
        return FetchedSource(spec, cached, text, spec.sha256, "mirror")
    if offline:
        raise OfflineError(
            f"source {spec.id!r} is not in the cache and --offline forbids downloading; "
            "pass --mirror DIR (env DLKG_MIRROR) or run online"
        )
    data = _download(spec, timeout_s)
    _verify(spec, data, spec.url or spec.id)
    text = decode_utf8(data, spec.url or spec.id)
    write_atomic(cached, data)
    return FetchedSource(spec, cached, text, spec.sha256, "download")


def fetch_all(
    specs: list[SourceSpec],
    *,
    cache_dir: Path,
    mirror_dir: Path | None,
    offline: bool,
    on_progress: Callable[[SourceSpec], None] | None = None,
) -> list[FetchedSource]:
    """Fetch every source; the first failure stops with its one-line error."""
    fetched = []
    for spec in specs:
        fetched.append(
            fetch_source(spec, cache_dir=cache_dir, mirror_dir=mirror_dir, offline=offline)
        )
        if on_progress:
            on_progress(spec)
    return fetched
