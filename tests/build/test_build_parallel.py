"""The build after emit (issue 13): the records released, validation in a child process beside
the load step, and nothing published unless validation passed."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
import shutil
import time
import weakref
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import dlkg.build
import dlkg.build_front
from dlkg import build_validate, resources
from dlkg.build import build
from dlkg.errors import NotConformant, StoreError
from dlkg.forked import ForkedChildError
from dlkg.load import StoreLoader
from dlkg.normalize import names
from dlkg.report import BuildReport
from dlkg.settings import Settings

pytestmark = pytest.mark.upstream

_STAMP = re.compile(rb'"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"')


def _settings(build_dir: Path, mirror: Path) -> Settings:
    return Settings(
        build_dir=build_dir, cache_dir=build_dir / "cache", mirror_dir=mirror, offline=True
    )


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _unstamped(path: Path) -> bytes:
    """A dump without the build graph's clock times (the only triples that change per build)."""
    return _STAMP.sub(b'"T"', path.read_bytes())


def test_validation_runs_in_a_child_while_the_store_loads(
    built: tuple[Settings, BuildReport],
    upstream_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the validator waits until the load step has made the new store: had the build loaded
    # only after validating, it would wait in vain and say so
    real = build_validate.validate
    seen = tmp_path / "seen.json"

    def validate(settings: Settings, line_index: Any, nquads: Path, skip: set[str]) -> Any:
        store = nquads.parent / "store"
        deadline = time.monotonic() + 120
        while not store.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        seen.write_text(json.dumps({"pid": os.getpid(), "store": store.exists()}))
        return real(settings, line_index, nquads, skip)

    monkeypatch.setattr(build_validate, "validate", validate)
    settings = _settings(tmp_path / "beside", upstream_dir)
    report = build(settings)
    assert json.loads(seen.read_text()) == {
        "pid": json.loads(seen.read_text())["pid"],
        "store": True,
    }
    assert json.loads(seen.read_text())["pid"] != os.getpid()
    memory = report.process_memory_kb["validate"]
    assert memory["peak"] >= memory["start"] > 0
    assert list(report.timings) == [
        "fetch",
        "parse",
        "resolve",
        "emit",
        "validate",
        "load",
        "export",
    ]
    assert report.timings["validate"] > 0

    # the same dumps (but for the clock) and the same report as validating first, in-process
    monkeypatch.setattr(build_validate, "validate", real)
    monkeypatch.setattr(build_validate, "can_fork", lambda: False)
    alone = _settings(tmp_path / "alone", upstream_dir)
    sequential = build(alone)
    assert report.shacl_warnings == sequential.shacl_warnings
    assert [str(i) for i in report.all_issues()] == [str(i) for i in sequential.all_issues()]
    assert report.graph_triples == sequential.graph_triples
    for name in sorted(p.name for p in alone.dumps_dir.iterdir()):
        if name.startswith("dlkg."):
            assert _unstamped(settings.dumps_dir / name) == _unstamped(alone.dumps_dir / name)
    first_settings, _ = built
    assert (settings.dumps_dir / "dlkg.nt").read_bytes() == (
        first_settings.dumps_dir / "dlkg.nt"
    ).read_bytes()


def test_records_and_resolution_are_released_after_emit_without_fork(
    upstream_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the system cannot fork, the front runs in the build's process and releases
    the records and the resolution itself."""
    refs: dict[str, weakref.ref[Any]] = {}
    alive: list[str] = []
    real_parse, real_next = dlkg.build_front.parse_and_resolve, dlkg.build.validate_beside_load

    def parse_and_resolve(*args: Any) -> Any:
        parsed = real_parse(*args)
        refs["parsed"] = weakref.ref(parsed)
        refs["resolution"] = weakref.ref(parsed.resolution)
        for i, result in enumerate(parsed.results):
            refs[f"parse result {i}"] = weakref.ref(result)
        return parsed

    def validate_beside_load(*args: Any, **kwargs: Any) -> None:
        gc.collect()
        alive.extend(name for name, ref in refs.items() if ref() is not None)
        if names.parse_person_name.cache_info().currsize:
            alive.append("the name parser's cache")
        real_next(*args, **kwargs)

    monkeypatch.setattr(dlkg.build_front, "can_fork", lambda: False)
    monkeypatch.setattr(dlkg.build_front, "parse_and_resolve", parse_and_resolve)
    monkeypatch.setattr(dlkg.build, "validate_beside_load", validate_beside_load)
    report = build(_settings(tmp_path / "b", upstream_dir))
    assert len(refs) >= 3 and alive == []
    assert report.merge_count > 100 and report.counts["papers"] > 250  # what it needs
    written = json.loads((tmp_path / "b" / "current" / "report.json").read_text())
    assert len(written["merges"]) == report.merge_count
    assert len(written["near_misses"]) == report.near_miss_count
    assert not (tmp_path / "b" / "current" / dlkg.build_front.PARKED_FILE).exists()


def test_parse_resolve_and_emit_run_in_a_child_that_reports_progress_here(
    upstream_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The records never exist in the build's process; the steps' progress still arrives
    in it, in order, and the report holds everything the front found."""
    pids: list[int] = []
    real_parse = dlkg.build_front.parse_and_resolve

    def parse_and_resolve(*args: Any) -> Any:
        (tmp_path / "front.pid").write_text(str(os.getpid()))
        return real_parse(*args)

    def on_step(step: str) -> None:
        pids.append(os.getpid())
        steps.append(step)

    steps: list[str] = []
    held: list[tuple[int, int, bool]] = []
    real_validate = dlkg.build.validate_beside_load

    def validate_beside_load(settings: Any, report: Any, *args: Any, **kwargs: Any) -> None:
        # the merges and near misses stayed in the child's file: never objects here
        held.append((len(report.merges), len(report.near_misses), report.parked.path.is_file()))
        real_validate(settings, report, *args, **kwargs)

    monkeypatch.setattr(dlkg.build_front, "parse_and_resolve", parse_and_resolve)
    monkeypatch.setattr(dlkg.build, "validate_beside_load", validate_beside_load)
    report = build(_settings(tmp_path / "b", upstream_dir), on_step)
    assert held == [(0, 0, True)]
    assert int((tmp_path / "front.pid").read_text()) != os.getpid()
    # (validation, beside the load, ends after it)
    assert steps[:4] == ["fetch", "parse", "resolve", "emit"]
    assert sorted(steps) == sorted(dlkg.build.STEPS)
    assert set(pids) == {os.getpid()}
    assert report.sources and report.merge_count > 100 and report.counts["papers"] > 250
    written = json.loads((tmp_path / "b" / "current" / "report.json").read_text())
    assert len(written["merges"]) == report.merge_count
    assert {m["rule"] for m in written["merges"]} >= {"arxiv-id", "same-full-name"}
    assert list(report.timings)[:4] == ["fetch", "parse", "resolve", "emit"]
    assert report.process_memory_kb["emit"]["peak"] > 0
    # the build never read its issues back (x1000: 1.8 s); its caller does, when it asks, from
    # the parked file, whose name is gone from the published run
    parked = sum(report.parked_issues.values())
    assert parked > 100 and report.held_issues == []
    assert not list((tmp_path / "b").rglob("report-parked*"))
    assert [row["message"] for row in written["issues"]] == [i.message for i in report.issues]
    assert len(report.held_issues) == parked and not report.parked_issues  # read back once


def _one_line_failure(settings: Settings, error: type[Exception], match: str) -> Exception:
    """Build into `settings` (which has a current build) expecting `error`; check that the
    previous build is still served, untouched, and that no run folder was left behind."""
    current = settings.current_dir.resolve()
    before = _tree_digest(current)
    runs = sorted(settings.runs_dir.iterdir())
    with pytest.raises(error, match=match) as info:
        build(settings)
    assert "\n" not in str(info.value)
    assert settings.current_dir.resolve() == current
    assert _tree_digest(current) == before
    assert sorted(settings.runs_dir.iterdir()) == runs
    return info.value


@pytest.fixture(scope="module")
def served(upstream_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A build folder with one good build that the failing builds below must leave alone."""
    settings = _settings(tmp_path_factory.mktemp("served"), upstream_dir)
    build(settings)
    return settings


_NO_EMAIL = r"^\d+ SHACL violations; first: <\S+> schema:email: every person has an email"


@pytest.fixture()
def strict_shapes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """dlkg's shapes plus one that the real data violates (no person has an email), for the
    real validator in the child to find."""
    shapes = tmp_path / "shapes"
    shutil.copytree(resources.shapes_dir(), shapes)
    (shapes / "zz-email.shapes.ttl").write_text(
        "@prefix schema: <http://schema.org/> .\n@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:test:PersonEmail> a sh:NodeShape ; sh:targetClass schema:Person ;\n"
        "  sh:property [ sh:path schema:email ; sh:minCount 1 ;\n"
        '    sh:message "every person has an email"@en ] .\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(resources, "shapes_dir", lambda: shapes)


@pytest.mark.usefixtures("strict_shapes")
def test_failed_validation_beside_the_load_publishes_nothing(
    served: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded: list[int] = []
    real_wait = StoreLoader.wait

    def wait(loader: StoreLoader) -> None:
        real_wait(loader)
        loaded.append(len(loader.store))

    monkeypatch.setattr(StoreLoader, "wait", wait)
    error = _one_line_failure(served, NotConformant, _NO_EMAIL)
    assert isinstance(error, NotConformant) and error.exit_code == 1
    assert len(loaded) == 1 and loaded[0] > 20_000  # the store was loaded, then thrown away
    # the build's own errors and --strict are judged after the report, as before
    _one_line_failure(replace(served, strict=True), NotConformant, _NO_EMAIL)


def _failing_load(loader: StoreLoader) -> None:
    loader.close()  # as a failed load leaves it
    raise StoreError("cannot load the store: disk full", path="emitted.nq")


def test_a_failed_load_is_reported_when_the_data_conforms(
    served: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(StoreLoader, "wait", _failing_load)
    error = _one_line_failure(served, StoreError, r"^emitted.nq: cannot load the store: disk")
    assert isinstance(error, StoreError) and error.exit_code == 4


@pytest.mark.usefixtures("strict_shapes")
def test_a_failed_load_gives_way_to_the_validation_error(
    served: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # validating first, the build stopped at the violations: they stay the error reported
    monkeypatch.setattr(StoreLoader, "wait", _failing_load)
    _one_line_failure(served, NotConformant, _NO_EMAIL)
    # and a build that fails only under --strict (the real data has warnings) says so
    monkeypatch.undo()
    monkeypatch.setattr(StoreLoader, "wait", _failing_load)
    _one_line_failure(replace(served, strict=True), NotConformant, r"^--strict: \d+ warnings")


def test_a_validator_that_dies_publishes_nothing(
    served: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build_validate, "validate", lambda *_a: os._exit(9))
    error = _one_line_failure(served, ForkedChildError, r"without a result \(exit code 9\)")
    assert not isinstance(error, NotConformant)  # a bug or a kill: the CLI's internal error
