"""The source-kind registry (dlkg/sources.py): it agrees with data/sources.toml, refuses a
manifest that disagrees with it, and a sixth source needs only a manifest entry, one parser
module and a registry entry (docs/sources.md)."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from dlkg import sources
from dlkg.build import build
from dlkg.errors import UsageError
from dlkg.fetch import load_manifest
from dlkg.settings import Settings
from dlkg.sources import SourceKind
from dlkg.store import open_read_only, run_query
from helpers import CURATION, MANIFEST, REPO_ROOT

EXTRA = Path(__file__).resolve().parent / "fixtures" / "extra_source"
BASE = "https://w3id.org/dlkg/"


def test_every_manifest_entry_has_its_kind_and_every_kind_an_entry() -> None:
    specs = load_manifest(MANIFEST)
    assert sorted(s.kind for s in specs) == sorted(k.name for k in sources.kinds())
    for spec in specs:
        kind = sources.kind(spec.kind)
        assert sources.of_source(spec.id) is kind
        assert spec.language == kind.language
        assert spec.translation_of == (kind.original.source_id if kind.original else None)
    # the issue-code prefixes users match on, and the lists the IRIs name
    assert {k.source_id: (k.list_id, k.prefix) for k in sources.kinds()} == {
        "awesome-readme": ("awesome", "awesome"),
        "awesome-bib": (None, "bib"),
        "roadmap-readme": ("roadmap", "roadmap"),
        "zh-awesome": ("zh-awesome", "zh-awesome"),
        "zh-roadmap-blog": ("zh-roadmap-blog", "zh-blog"),
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('id = "zh-awesome"', 'id = "zh-list"'), r"\(zh-list\): kind 'zh-awesome-list' is the"),
        (('language = "zh-Hans"', 'language = "en"'), "language 'en', but kind"),
        (
            ('translation_of = "roadmap-readme"', 'translation_of = "awesome-readme"'),
            "translates 'roadmap-readme'",
        ),
    ],
)
def test_a_manifest_disagreeing_with_the_registry_is_one_line_naming_the_entry(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    text = MANIFEST.read_text(encoding="utf-8")
    old, new = change
    index = text.rindex(old)  # the last occurrence: an entry of a translation
    manifest = tmp_path / "sources.toml"
    manifest.write_text(text[:index] + new + text[index + len(old) :], encoding="utf-8")
    with pytest.raises(UsageError, match=message) as caught:
        load_manifest(manifest)
    shown = str(caught.value)
    assert "\n" not in shown and str(manifest) in shown and "[[source]] #" in shown


def test_a_kind_must_not_reuse_a_source_id_or_list_id() -> None:
    awesome = sources.kind("awesome-list")
    with pytest.raises(ValueError, match="list id 'awesome' already registered"):
        sources.register(SourceKind("other", "other-id", "x:y", "en", 5, 5, list_id="awesome"))
    with pytest.raises(ValueError, match="source id 'awesome-readme'"):
        sources.register(SourceKind("other", awesome.source_id, "x:y", "en", 5, 5))
    assert "other" not in {k.name for k in sources.kinds()}


# -- a sixth source ------------------------------------------------------------------------------


@pytest.fixture()
def tsv_kind(monkeypatch: pytest.MonkeyPatch) -> Iterator[SourceKind]:
    """The extra kind, registered through the public API (and removed again)."""
    monkeypatch.syspath_prepend(str(EXTRA))  # where its parser module lives
    kind = sources.register(
        SourceKind(
            "tsv-list",
            "extra-tsv",
            "tsv_list:parse_tsv_list",
            "en",
            rank=5,
            title_rank=5,
            list_id="extra",
        )
    )
    yield kind
    sources.unregister(kind.name)


def _manifest_with_extra(tmp_path: Path) -> Path:
    """data/ copied, its manifest with one more entry; shipped sources stay where they are."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "sources").symlink_to(REPO_ROOT / "data" / "sources")
    tsv = (EXTRA / "reading.tsv").read_bytes()
    extra = f"""
[[source]]
id = "extra-tsv"
list_name = "A tiny reading list"
title = "A tiny reading list (reading.tsv)"
kind = "tsv-list"
language = "en"
licence = "https://creativecommons.org/publicdomain/zero/1.0/"
url = "https://example.invalid/reading.tsv"
mirror_path = "extra/reading.tsv"
sha256 = "{hashlib.sha256(tsv).hexdigest()}"
"""
    manifest = data / "sources.toml"
    manifest.write_text(MANIFEST.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return manifest


def _mirror_with_extra(tmp_path: Path, upstream_dir: Path) -> Path:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    for folder in upstream_dir.iterdir():
        (mirror / folder.name).symlink_to(folder)
    (mirror / "extra").mkdir()
    shutil.copy(EXTRA / "reading.tsv", mirror / "extra" / "reading.tsv")
    return mirror


@pytest.mark.upstream
@pytest.mark.slow
def test_a_sixth_source_needs_a_manifest_entry_a_parser_module_and_a_registry_entry(
    tmp_path: Path, upstream_dir: Path, tsv_kind: SourceKind
) -> None:
    settings = Settings(
        build_dir=tmp_path / "build",
        cache_dir=tmp_path / "cache",
        mirror_dir=_mirror_with_extra(tmp_path, upstream_dir),
        sources_manifest=_manifest_with_extra(tmp_path),
        curation_dir=CURATION,
        offline=True,
    )
    report = build(settings)
    (summary,) = [s for s in report.sources if s.id == "extra-tsv"]
    assert (summary.entries, summary.candidate_lines, summary.dropped) == (2, 3, 1)
    mine = [i for i in report.all_issues() if i.where and i.where.source_id == "extra-tsv"]
    # the dropped row, the two nodes the key registry does not know yet (new keys), and the
    # ResNet row's two authors marked complete where the BibTeX entry lists four (one warning:
    # the cross-source code; resolution does not report the same defect again)
    assert sorted((i.code, i.where.line if i.where else 0) for i in mine) == [
        ("cross.authors-shorter", 2),
        ("extra.unparsable-entry", 4),
        ("resolve.new-key", 3),
        ("resolve.new-key", 3),
    ]
    store = open_read_only(settings.store_dir)
    query = f"""
        PREFIX schema: <http://schema.org/>
        SELECT ?position ?paper ?title ?graph WHERE {{
          GRAPH ?graph {{ <{BASE}list/extra> schema:itemListElement ?item .
                          ?item schema:position ?position ; schema:item ?paper . }}
          ?paper schema:name ?title .
        }} ORDER BY ?position"""
    rows = run_query(store, query)
    assert isinstance(rows, ox.QuerySolutions)
    found = [(int(r["position"].value), r["paper"].value, r["title"].value) for r in rows]
    assert found == [
        # the same paper as the other lists' ResNet entries: one node, found by its arXiv id
        (1, f"{BASE}paper/arxiv-1512.03385", "Deep residual learning for image recognition"),
        (
            2,
            f"{BASE}paper/a-made-up-paper-on-juggling-robots",
            "A made-up paper on juggling robots",
        ),
    ]
    lists = run_query(store, "SELECT DISTINCT ?l WHERE { ?l a <http://schema.org/ItemList> }")
    assert isinstance(lists, ox.QuerySolutions)
    assert {r["l"].value for r in lists} == {
        f"{BASE}list/{k.list_id}" for k in sources.kinds() if k.list_id
    }
