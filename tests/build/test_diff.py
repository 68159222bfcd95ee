"""`dlkg diff OLD NEW` and the build's changes.json: small N-Triples files first, then two real
builds, the second from an edited roadmap (a title fixed, a paper added, stars changed)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from dlkg.build import build
from dlkg.cli import main
from dlkg.diff import changes, format_text
from dlkg.report import BuildReport
from dlkg.settings import Settings
from helpers import MANIFEST, REPO_ROOT

D = "https://w3id.org/dlkg/"
S = "http://schema.org/"
N = "https://w3id.org/dlkg/ns#"
T = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _nt(*triples: tuple[str, str, str]) -> str:
    return "".join(f"{s} {p} {o} .\n" for s, p, o in sorted(triples))


def _paper(key: str, title: str, year: int, *authors: str) -> list[tuple[str, str, str]]:
    node = f"<{D}paper/{key}>"
    out = [
        (node, f"<{T}>", f"<{S}CreativeWork>"),
        (node, f"<{T}>", f"<{S}ScholarlyArticle>"),
        (node, f"<{S}name>", f'"{title}"@en'),
        (node, f"<{S}datePublished>", f'"{year}"^^<http://www.w3.org/2001/XMLSchema#gYear>'),
    ]
    for i, person in enumerate(authors, start=1):
        a = f"<{D}paper/{key}/author/{i}>"
        out += [
            (node, f"<{N}authorship>", a),
            (a, f"<{N}person>", f"<{D}person/{person}>"),
            (a, f"<{S}position>", f'"{i}"^^<http://www.w3.org/2001/XMLSchema#integer>'),
            (f"<{D}person/{person}>", f"<{T}>", f"<{S}Person>"),
            (f"<{D}person/{person}>", f"<{S}name>", f'"{person}"'),
        ]
    return out


def _item(key: str, paper: str, stars: int) -> list[tuple[str, str, str]]:
    node = f"<{D}list/roadmap/item/{key}>"
    return [
        (node, f"<{T}>", f"<{S}ListItem>"),
        (node, f"<{S}item>", f"<{D}paper/{paper}>"),
        (node, f"<{N}stars>", f'"{stars}"^^<http://www.w3.org/2001/XMLSchema#integer>'),
    ]


def test_changes_by_iri_added_removed_and_facts_changed(tmp_path: Path) -> None:
    old, new = tmp_path / "old.nt", tmp_path / "new.nt"
    old.write_text(
        _nt(
            *_paper("a", "Spatial transformer network", 2015, "x", "y"),
            *_paper("gone", "Gone", 2010, "z"),
            *_item("s/a", "a", 3),
        ),
        encoding="utf-8",
    )
    new.write_text(
        _nt(
            *_paper("a", "Spatial transformer networks", 2015, "y", "x"),
            *_paper("b", "A new paper", 2020, "x"),
            *_item("s/a", "a", 4),
        ),
        encoding="utf-8",
    )
    found = changes(old, new)
    assert found["summary"] == {
        "papers": {"added": 1, "removed": 1, "changed": 1},
        "persons": {"added": 0, "removed": 1, "changed": 0},
        "items": {"added": 0, "removed": 0, "changed": 1},
    }
    facts = found["changed"]["papers"][f"{D}paper/a"]
    assert facts["title"] == {
        "old": "Spatial transformer network",
        "new": "Spatial transformer networks",
    }
    assert facts["authors"]["new"] == [f"{D}person/y", f"{D}person/x"]
    assert found["changed"]["items"][f"{D}list/roadmap/item/s/a"] == {
        "stars": {"old": "3", "new": "4"}
    }
    text = format_text(found, D)
    assert "papers: +1 -1 ~1" in text
    assert "+ paper/b  A new paper" in text and "- paper/gone  Gone" in text
    assert "    title: Spatial transformer network -> Spatial transformer networks" in text
    assert "    authors: [person/x, person/y] -> [person/y, person/x]" in text


def test_the_command_prints_text_or_json_and_refuses_a_folder_without_a_build(
    tmp_path: Path,
) -> None:
    old, new = tmp_path / "old.nt", tmp_path / "new.nt"
    old.write_text(_nt(*_paper("a", "A", 2015)), encoding="utf-8")
    new.write_text(_nt(*_paper("a", "A", 2016)), encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert "year: 2015 -> 2016" in result.output
    result = CliRunner().invoke(main, ["diff", "--format", "json", str(old), str(new)])
    assert json.loads(result.output)["changed"]["papers"][f"{D}paper/a"]["year"]["new"] == "2016"
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(main, ["diff", str(empty), str(new)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "not a build" in result.output


def _edited_roadmap(tmp_path: Path, upstream_dir: Path) -> tuple[Path, Path]:
    """A mirror whose roadmap has a title fixed, a paper added and stars changed, and a
    manifest pinning its sha256 (shipped sources stay where they are)."""
    mirror = tmp_path / "mirror"
    shutil.copytree(upstream_dir, mirror)
    readme = mirror / "deep-learning-papers-reading-roadmap" / "README.md"
    text = readme.read_text(encoding="utf-8")
    resnet = next(line for line in text.splitlines() if "arXiv:1512.03385 (2015)" in line)
    added = (
        '**[8]** Doe, Jane, and Rick Roe. "**A brand new paper on residual learning**." '
        "arXiv preprint arXiv:2001.00001 (2020). [[pdf]](https://arxiv.org/pdf/2001.00001.pdf) "
        ":star::star:"
    )
    text = text.replace(resnet, resnet.replace(":star:", "", 1) + "\n\n" + added)
    text = text.replace(
        "Achieving Human Parity in Conversational", "Achieving human parity in conversational"
    )
    readme.write_text(text, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "sources").symlink_to(REPO_ROOT / "data" / "sources")
    manifest = MANIFEST.read_text(encoding="utf-8")
    old_sum = "7d444da4661f06dc89baff7a2f3cd84b65a7cbcaca3eb4029f53ba2fc808ddfd"
    assert old_sum in manifest
    new_sum = hashlib.sha256(readme.read_bytes()).hexdigest()
    (data / "sources.toml").write_text(manifest.replace(old_sum, new_sum), encoding="utf-8")
    return mirror, data / "sources.toml"


@pytest.mark.upstream
def test_a_build_writes_changes_json_against_the_previous_build(
    built: tuple[Settings, BuildReport], upstream_dir: Path, tmp_path: Path
) -> None:
    first, _ = built
    assert not (first.current_dir / "changes.json").exists()  # no previous build
    build_dir = tmp_path / "build"
    run = first.current_dir.resolve()
    shutil.copytree(run, build_dir / "runs" / run.name)
    (build_dir / "current").symlink_to(Path("runs") / run.name)
    mirror, manifest = _edited_roadmap(tmp_path, upstream_dir)
    settings = Settings(
        build_dir=build_dir,
        cache_dir=build_dir / "cache",
        mirror_dir=mirror,
        offline=True,
        sources_manifest=manifest,
    )
    build(settings)
    found = json.loads((settings.current_dir / "changes.json").read_text(encoding="utf-8"))
    assert found["old"] == run.name and found["new"] == settings.current_dir.resolve().name
    added = {e["iri"] for e in found["added"]["papers"]}
    assert added == {f"{D}paper/arxiv-2001.00001"}
    assert {e["iri"] for e in found["added"]["items"]} == {
        f"{D}list/roadmap/item/1.3/arxiv-2001.00001"
    }
    assert {e["name"] for e in found["added"]["persons"]} == {"Jane Doe", "Rick Roe"}
    assert not found["removed"]["papers"] and not found["removed"]["persons"]
    title = found["changed"]["papers"][f"{D}paper/arxiv-1610.05256"]["title"]
    assert title["new"].startswith("Achieving human parity")
    stars = found["changed"]["items"][f"{D}list/roadmap/item/1.3/arxiv-1512.03385"]["stars"]
    assert stars == {"old": "5", "new": "4"}
    # the same answer from the command, over the two run folders
    result = CliRunner().invoke(
        main, ["diff", "--format", "json", str(run), str(settings.current_dir)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["summary"] == found["summary"]
    # a run without dumps is read from its store
    shutil.rmtree(build_dir / "runs" / run.name / "dumps")
    old_run = build_dir / "runs" / run.name
    result = CliRunner().invoke(main, ["diff", "--format", "json", str(old_run), str(build_dir)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["summary"] == found["summary"]
