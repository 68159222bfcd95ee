"""The whole pipeline over the real sources: accounting, determinism, atomic failure, dumps."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from dlkg.build import build
from dlkg.errors import ChecksumError, DlkgError, SourceError
from dlkg.fetch import load_manifest
from dlkg.report import BuildReport
from dlkg.resources import data_dir
from dlkg.settings import Settings
from dlkg.store import open_read_only

pytestmark = pytest.mark.upstream

BASE = "https://w3id.org/dlkg/"


def _settings(build_dir: Path, mirror: Path, **kw: object) -> Settings:
    return Settings(
        build_dir=build_dir,
        cache_dir=build_dir / "cache",
        mirror_dir=mirror,
        offline=True,
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def first_build(built: tuple[Settings, BuildReport]) -> tuple[Settings, BuildReport]:
    return built


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_every_entry_looking_line_is_a_record_or_a_warning(
    first_build: tuple[Settings, BuildReport],
) -> None:
    settings, _ = first_build
    data = json.loads(settings.report_path.read_text(encoding="utf-8"))
    for source in data["sources"]:
        records = source["entries"] + source["bib_entries"]
        assert records + source["dropped"] == source["candidate_lines"], source["id"]
    assert data["counts"]["lists"] == 4
    assert data["counts"]["papers"] > 250
    for issue in data["issues"]:  # every warning names its file and line
        if issue["level"] == "warning" and issue["source_id"]:
            assert issue["where"].rsplit(":", 1)[1].isdigit(), issue


def test_rebuild_is_byte_identical_and_iris_are_stable(
    first_build: tuple[Settings, BuildReport], upstream_dir: Path, tmp_path: Path
) -> None:
    settings, _ = first_build
    other = _settings(tmp_path / "again", upstream_dir)
    build(other)
    first_nt = (settings.dumps_dir / "dlkg.nt").read_bytes()
    assert first_nt == (other.dumps_dir / "dlkg.nt").read_bytes()
    assert (settings.dumps_dir / "dlkg.ttl").read_bytes() == (
        other.dumps_dir / "dlkg.ttl"
    ).read_bytes()
    lines = first_nt.decode("utf-8").splitlines()
    assert lines == sorted(lines)
    assert "_:" not in first_nt.decode("utf-8").split(" ")[0]


def test_dumps_parse_back_with_the_same_content(first_build: tuple[Settings, BuildReport]) -> None:
    settings, _ = first_build
    dumps = settings.dumps_dir
    nq = rdflib.Dataset()
    nq.parse(dumps / "dlkg.nq", format="nquads")
    trig = rdflib.Dataset()
    trig.parse(dumps / "dlkg.trig", format="trig")
    default = rdflib.graph.DATASET_DEFAULT_GRAPH_ID
    assert not any(g == default for *_, g in nq.quads((None, None, None, None)))
    assert {str(g.identifier) for g in nq.graphs() if len(g)} == {
        str(g.identifier) for g in trig.graphs() if len(g)
    }
    assert sum(len(g) for g in nq.graphs()) == sum(len(g) for g in trig.graphs())
    graphs = {str(g.identifier) for g in nq.graphs() if len(g)}
    for name in (
        "awesome-readme",
        "awesome-bib",
        "roadmap-readme",
        "zh-awesome",
        "zh-roadmap-blog",
    ):
        assert f"{BASE}graph/{name}" in graphs
    nt = rdflib.Graph().parse(dumps / "dlkg.nt", format="nt")
    ttl = rdflib.Graph().parse(dumps / "dlkg.ttl", format="turtle")
    assert len(nt) == len(ttl) > 10000
    # JSON-LD refers to the published context; resolve it from the dump folder.
    doc = json.loads((dumps / "dlkg.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == f"{BASE}downloads/context.jsonld"
    doc["@context"] = json.loads((dumps / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    js = rdflib.Dataset()
    js.parse(data=json.dumps(doc), format="json-ld")
    assert sum(len(g) for g in js.graphs()) == sum(len(g) for g in nq.graphs())
    sums = dict(
        reversed(line.split("  ", 1)) for line in (dumps / "SHA256SUMS").read_text().splitlines()
    )
    for name, digest in sums.items():
        assert hashlib.sha256((dumps / name).read_bytes()).hexdigest() == digest
    # the build's report is offered among the downloads as itself (a hard link, not a copy)
    for name in ("report.json", "report.csv"):
        assert name in sums
        assert (dumps / name).samefile(dumps.parent / name)
        assert (dumps / name).stat().st_mode & 0o777 == 0o644


def _failing_settings(
    settings: Settings, tmp_path: Path, upstream_dir: Path, mutate: str
) -> Settings:
    """A copy of the manifest and mirror where the awesome README is damaged in one way."""
    mirror = tmp_path / "mirror"
    shutil.copytree(upstream_dir, mirror)
    readme = mirror / "awesome-deep-learning-papers" / "README.md"
    original = readme.read_bytes()
    if mutate == "truncated":
        damaged = original[: len(original) // 5]
    elif mutate == "encoding":
        damaged = original.decode("utf-8").encode("utf-16")
    else:
        damaged = original.replace(b"Distilling", b"Distiling")
    readme.write_bytes(damaged)
    manifest_text = (data_dir() / "sources.toml").read_text(encoding="utf-8")
    if mutate != "checksum":  # pin the damaged bytes, so that only the content check can stop it
        old = hashlib.sha256(original).hexdigest()
        manifest_text = manifest_text.replace(old, hashlib.sha256(damaged).hexdigest())
    manifest_text = manifest_text.replace('path = "sources/', f'path = "{data_dir()}/sources/')
    manifest = tmp_path / "sources.toml"
    manifest.write_text(manifest_text, encoding="utf-8")
    return replace(
        settings, mirror_dir=mirror, sources_manifest=manifest, cache_dir=tmp_path / "cache"
    )


@pytest.mark.parametrize(
    ("mutate", "error", "message"),
    [
        ("truncated", SourceError, r"README.md:\d+: only \d+ entries parsed.*truncated"),
        ("encoding", SourceError, r"README.md:1: not valid UTF-8"),
        ("checksum", ChecksumError, r"sha256 mismatch for source 'awesome-readme'"),
    ],
)
def test_bad_source_fails_cleanly_and_keeps_the_previous_build(
    first_build: tuple[Settings, BuildReport],
    upstream_dir: Path,
    tmp_path: Path,
    mutate: str,
    error: type[DlkgError],
    message: str,
) -> None:
    settings, _ = first_build
    before = _tree_digest(settings.current_dir.resolve())
    target = settings.current_dir.resolve()
    bad = _failing_settings(settings, tmp_path, upstream_dir, mutate)
    with pytest.raises(error, match=message) as info:
        build(bad)
    assert "\n" not in str(info.value)
    assert settings.current_dir.resolve() == target
    assert _tree_digest(target) == before
    store = open_read_only(settings.store_dir)
    result = store.query(
        "ASK { ?s a <http://schema.org/ScholarlyArticle> }", use_default_graph_as_union=True
    )
    assert isinstance(result, ox.QueryBoolean) and bool(result)


def test_manifest_sources_all_reported(first_build: tuple[Settings, BuildReport]) -> None:
    _, report = first_build
    ids = [s.id for s in load_manifest(data_dir() / "sources.toml")]
    assert [s.id for s in report.sources] == ids
    assert {s.origin for s in report.sources} <= {"mirror", "cache", "shipped"}
    assert set(report.timings) == {
        "fetch",
        "parse",
        "resolve",
        "emit",
        "validate",
        "load",
        "export",
    }
