"""Parse in two processes on big inputs (issue 13): the same results, in the sources' order,
and the first failing source's error, as parsing one after the other gives."""

from __future__ import annotations

import os
import pickle
from dataclasses import replace
from pathlib import Path

import pytest

from dlkg import build_front
from dlkg.build_front import _split_by_size, parse_all
from dlkg.errors import SourceError
from dlkg.fetch import FetchedSource, fetch_all, load_manifest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def _sources(upstream_dir: Path, sources_dir: Path, cache: Path) -> list[FetchedSource]:
    specs = load_manifest(sources_dir.parent / "sources.toml")
    return fetch_all(specs, cache_dir=cache, mirror_dir=upstream_dir, offline=True)


def test_two_processes_give_the_results_of_one(
    upstream_dir: Path, sources_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = _sources(upstream_dir, sources_dir, tmp_path / "cache")
    alone = parse_all(sources, scratch=tmp_path / "scratch")
    assert not (tmp_path / "scratch").exists()  # small inputs: no child, no scratch file
    forks: list[object] = []
    real_forked = build_front.Forked

    def forked(*args: object, **kwargs: object) -> object:
        forks.append(args)
        return real_forked(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build_front, "PARALLEL_PARSE_CHARS", 0)
    monkeypatch.setattr(build_front, "Forked", forked)
    both = parse_all(sources, scratch=tmp_path / "scratch")
    assert len(forks) == 1
    assert [r.source_id for r in both] == [s.spec.id for s in sources]
    # every record, issue and provenance as one process made them
    assert [pickle.dumps(r) for r in both] == [pickle.dumps(r) for r in alone]
    assert list((tmp_path / "scratch").iterdir()) == []  # the child's outcome file is gone


@pytest.mark.parametrize("where", ["here first", "child first", "both here", "both in child"])
def test_the_first_broken_source_in_order_is_the_error(
    where: str,
    upstream_dir: Path,
    sources_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # two truncated sources, parsed here or by the child: the error is the one of the source
    # that comes first in the manifest, as it was
    sources = _sources(upstream_dir, sources_dir, tmp_path / "cache")
    here, child = (sorted(side) for side in _split_by_size(sources))
    assert len(here) >= 2 and len(child) >= 2
    pick = {
        "here first": (here[0], min(i for i in child if i > here[0])),
        "child first": (child[0], min(i for i in here if i > child[0])),
        "both here": (here[0], here[1]),
        "both in child": (child[0], child[1]),
    }[where]
    for i in pick:
        sources[i] = replace(sources[i], text=sources[i].text[:200])
    monkeypatch.setattr(build_front, "PARALLEL_PARSE_CHARS", 0)
    with pytest.raises(SourceError) as caught:
        parse_all(sources, scratch=tmp_path)
    first = sources[min(pick)].spec.file_name
    assert str(caught.value).startswith(f"{first}:"), str(caught.value)
    assert "entries parsed, expected at least" in str(caught.value)
