"""A running `dlkg serve` keeps the build it started with through rebuilds (dlkg.pins).

Rebuilds are the build's own publish step (`build._publish`: re-point `current`, drop old runs)
on run folders made here, so the test needs no full pipeline run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from dlkg.build import _publish
from dlkg.settings import Settings

from ..helpers import dlkg_serve, write_dumps


def make_run(settings: Settings, name: str, store: Path) -> Path:
    run = settings.runs_dir / name
    shutil.copytree(store, run / "store")
    write_dumps(run)
    return run


def test_rebuilds_keep_the_run_a_live_server_serves(web_store: Path, tmp_path: Path) -> None:
    settings = Settings(build_dir=tmp_path / "build", cache_dir=tmp_path / "cache")
    first = make_run(settings, "20260101T000000-1", web_store)
    _publish(settings, first)
    for live in dlkg_serve(settings.build_dir, "--workers", "1", "--memory-max-quads", "0"):
        assert live.request("GET", "/downloads/dlkg.ttl").status == 200
        for name in ("20260101T000001-2", "20260101T000002-3"):  # two rebuilds
            _publish(settings, make_run(settings, name, web_store))
        assert first.is_dir()  # pinned: kept although neither current nor previous
        assert live.request("GET", "/downloads/dlkg.ttl").status == 200
        assert live.get("ASK { ?s ?p ?o }").status == 200  # its store, read from disk
    # The server stopped: its run goes, the current and the previous stay.
    assert sorted(p.name for p in settings.runs_dir.iterdir()) == [
        "20260101T000001-2",
        "20260101T000002-3",
    ]


def test_without_a_server_two_rebuilds_drop_the_oldest_run(web_store: Path, tmp_path: Path) -> None:
    settings = Settings(build_dir=tmp_path / "build", cache_dir=tmp_path / "cache")
    first = make_run(settings, "20260101T000000-1", web_store)
    _publish(settings, first)
    for name in ("20260101T000001-2", "20260101T000002-3"):
        _publish(settings, make_run(settings, name, web_store))
    assert not first.exists()


def test_a_pin_left_by_a_dead_server_does_not_keep_a_run(web_store: Path, tmp_path: Path) -> None:
    settings = Settings(build_dir=tmp_path / "build", cache_dir=tmp_path / "cache")
    first = make_run(settings, "20260101T000000-1", web_store)
    _publish(settings, first)
    (first / ".pins").mkdir()
    (first / ".pins" / "999999999").write_text("999999999\n")  # no such process
    for name in ("20260101T000001-2", "20260101T000002-3"):
        _publish(settings, make_run(settings, name, web_store))
    assert not first.exists()
