"""fetch: manifest, mirror, cache, real downloads from a 127.0.0.1 server, checksums, encodings."""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from dlkg.errors import ChecksumError, OfflineError, SourceError, UsageError
from dlkg.fetch import fetch_source, load_manifest
from dlkg.resources import data_dir

BODY = b"- **A paper** (2015), A. Author [[pdf]](http://arxiv.org/pdf/1503.02531)\n"


def _manifest(tmp_path: Path, *, url: str, sha: str) -> Path:
    manifest = tmp_path / "sources.toml"
    manifest.write_text(
        f"""[[source]]
id = "awesome-readme"
title = "test"
kind = "awesome-list"
language = "en"
url = "{url}"
mirror_path = "awesome/README.md"
sha256 = "{sha}"
""",
        encoding="utf-8",
    )
    return manifest


@pytest.fixture()
def file_server(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on 127.0.0.1 serving BODY at /README.md; records request paths."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            if self.path == "/README.md":
                self.send_response(200)
                self.send_header("Content-Length", str(len(BODY)))
                self.end_headers()
                self.wfile.write(BODY)
            else:
                self.send_error(404)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def test_shipped_manifest_pins_all_five_sources() -> None:
    specs = load_manifest(data_dir() / "sources.toml")
    assert [s.id for s in specs] == [
        "awesome-readme",
        "awesome-bib",
        "roadmap-readme",
        "zh-awesome",
        "zh-roadmap-blog",
    ]
    assert all(len(s.sha256) == 64 for s in specs)
    upstream = [s for s in specs if s.url]
    assert len(upstream) == 3
    assert all("raw.githubusercontent.com" in (s.url or "") for s in upstream)
    for spec in specs:
        if spec.path is not None:  # shipped seeds are byte-identical to the pins
            assert hashlib.sha256(spec.path.read_bytes()).hexdigest() == spec.sha256


def test_download_verifies_and_caches(tmp_path: Path, file_server: tuple[str, list[str]]) -> None:
    base, seen = file_server
    sha = hashlib.sha256(BODY).hexdigest()
    (spec,) = load_manifest(_manifest(tmp_path, url=f"{base}/README.md", sha=sha))
    cache = tmp_path / "cache"
    got = fetch_source(spec, cache_dir=cache, mirror_dir=None, offline=False)
    assert got.origin == "download"
    assert got.text == BODY.decode()
    assert seen == ["/README.md"]
    again = fetch_source(spec, cache_dir=cache, mirror_dir=None, offline=True)
    assert again.origin == "cache"
    assert seen == ["/README.md"]  # served from the cache, no second request


def test_checksum_mismatch_leaves_cache_untouched(
    tmp_path: Path, file_server: tuple[str, list[str]]
) -> None:
    base, _ = file_server
    (spec,) = load_manifest(_manifest(tmp_path, url=f"{base}/README.md", sha="0" * 64))
    cache = tmp_path / "cache"
    with pytest.raises(ChecksumError, match="sha256 mismatch for source 'awesome-readme'"):
        fetch_source(spec, cache_dir=cache, mirror_dir=None, offline=False)
    assert not cache.exists() or not any(cache.rglob("*"))


def test_offline_without_cache_or_mirror_says_what_to_do(tmp_path: Path) -> None:
    (spec,) = load_manifest(_manifest(tmp_path, url="http://127.0.0.1:9/README.md", sha="0" * 64))
    with pytest.raises(OfflineError, match="--mirror DIR"):
        fetch_source(spec, cache_dir=tmp_path / "c", mirror_dir=None, offline=True)
    # Unreachable host (nothing listens on port 9): same advice, one line.
    with pytest.raises(OfflineError, match="DLKG_MIRROR") as info:
        fetch_source(spec, cache_dir=tmp_path / "c", mirror_dir=None, offline=False)
    assert "\n" not in str(info.value)


def test_mirror_is_verified_and_bad_encoding_names_the_line(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "awesome").mkdir(parents=True)
    bad = b"line one\nline two \xff\xfe\n"
    (mirror / "awesome" / "README.md").write_bytes(bad)
    (spec,) = load_manifest(
        _manifest(tmp_path, url="http://x/README.md", sha=hashlib.sha256(bad).hexdigest())
    )
    with pytest.raises(SourceError, match=r"README.md:2: not valid UTF-8"):
        fetch_source(spec, cache_dir=tmp_path / "cache", mirror_dir=mirror, offline=True)
    assert not (tmp_path / "cache").exists()


def test_corrupted_cache_entry_is_replaced_from_the_mirror(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "awesome").mkdir(parents=True)
    (mirror / "awesome" / "README.md").write_bytes(BODY)
    sha = hashlib.sha256(BODY).hexdigest()
    (spec,) = load_manifest(_manifest(tmp_path, url="http://x/README.md", sha=sha))
    cached = tmp_path / "cache" / sha / "README.md"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"garbage")
    got = fetch_source(spec, cache_dir=tmp_path / "cache", mirror_dir=mirror, offline=True)
    assert got.origin == "mirror"
    assert cached.read_bytes() == BODY


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[source]]\nid = 'x'\n", "missing title, kind, language, sha256"),
        ("[[source]\n", "invalid TOML"),
        (
            "[[source]]\nid='x'\ntitle='t'\nkind='poem'\nlanguage='en'\nsha256='0'\npath='a'\n",
            "unknown kind 'poem'",
        ),
        (
            "[[source]]\nid='awesome-bib'\ntitle='t'\nkind='bibtex'\nlanguage='en'\nsha256='0'\n"
            "path='a'\nmin_entries='many'\n",
            "min_entries must be an integer",
        ),
    ],
)
def test_bad_manifest_is_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    manifest = tmp_path / "sources.toml"
    manifest.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        load_manifest(manifest)


@pytest.mark.upstream
def test_real_mirror_matches_every_pin(upstream_dir: Path, tmp_path: Path) -> None:
    for spec in load_manifest(data_dir() / "sources.toml"):
        got = fetch_source(
            spec, cache_dir=tmp_path / "cache", mirror_dir=upstream_dir, offline=True
        )
        assert got.sha256 == spec.sha256
        assert got.origin in ("mirror", "shipped")
