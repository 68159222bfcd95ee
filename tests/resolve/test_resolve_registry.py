"""The key registry over the real sources: up to date, canonical, and keys that survive edits.

`data/curation/keys.tsv` pins every paper and person key; `pytest --update-golden` (or
`dlkg registry --update`) regenerates it from the sources.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from dlkg.cli import main
from dlkg.model import Resolution
from dlkg.parse import parse_text
from dlkg.records import ParseResult
from dlkg.resolve import resolve
from dlkg.resolve.keys import format_registry, parse_registry
from helpers import CURATION, source_texts

# Unrelated edits of the sources: new entries whose title, family name and initial collide
# with existing ones, inserted before everything else so that every later line moves.
INSERTS = {
    "awesome-readme": (
        72,
        [
            "- **Fast R-CNN** (2019), Z. Foo et al. [[pdf]](http://example.org/fast-2019.pdf)",
            "- **Learning to juggle** (2017), Gerald Hinton and Q. Bar "
            "[[pdf]](http://example.org/juggle.pdf)",
            "- **Juggling in the rain** (2018), Lee [[pdf]](http://example.org/rain.pdf)",
        ],
    ),
    "awesome-bib": (
        1,
        [
            "@article{foo2019fast,",
            "  title={Fast R-CNN},",
            "  author={Foo, Zed and Hinton, Gerald},",
            "  journal={Journal of Juggling},",
            "  year={2019}",
            "}",
        ],
    ),
    "roadmap-readme": (
        25,
        [
            '**[0]** Hinton, Gerald. "**Fast R-CNN**." Journal of Juggling (2019). '
            "[[pdf]](http://example.org/fast-2019.pdf) :star::star:",
            "",
        ],
    ),
    "zh-awesome": (2, [""]),
    "zh-roadmap-blog": (2, [""]),
}


def _texts(upstream_dir: Path) -> dict[str, tuple[str, str, str]]:
    return {t.spec.id: (t.spec.kind, t.spec.file_name, t.text) for t in source_texts(upstream_dir)}


def _resolve(texts: dict[str, tuple[str, str, str]], curation: Path) -> Resolution:
    results: list[ParseResult] = [
        parse_text(kind, text, source_id=sid, path=name)
        for sid, (kind, name, text) in texts.items()
    ]
    return resolve(results, curation_dir=curation)


def _keys(res: Resolution, moved: dict[str, tuple[int, int]]) -> dict[tuple[str, int, str], str]:
    """Paper key of every record and person key of every written name, by the record's line
    before the insertions (`moved`: source -> (first moved line, lines inserted))."""

    def line(source: str, number: int) -> int:
        first, count = moved.get(source, (10**9, 0))
        if first <= number < first + count:
            return -number  # an inserted line: no record of the unedited sources
        return number - count if number >= first + count else number

    out: dict[tuple[str, int, str], str] = {}
    for item in res.items:
        prov = item.entry.prov
        out[(prov.source_id, line(prov.source_id, prov.line), "")] = item.paper_key
    for bib, key in res.bib_entries:
        out[(bib.prov.source_id, line(bib.prov.source_id, bib.prov.line), "")] = key or ""
    for m in res.person_mentions:
        out[(m.prov.source_id, line(m.prov.source_id, m.prov.line), m.name_as_written)] = (
            m.person_key
        )
    return out


def test_the_key_registry_is_canonical() -> None:
    text = (CURATION / "keys.tsv").read_text(encoding="utf-8")
    rows = parse_registry(text)
    assert format_registry(rows) == text, "keys.tsv is not canonical: run --update"
    assert {r.kind for r in rows} == {"paper", "person"}


@pytest.mark.upstream
def test_the_key_registry_is_up_to_date(
    upstream_dir: Path, tmp_path: Path, update_golden: bool
) -> None:
    folder = tmp_path / "curation"
    shutil.copytree(CURATION, folder)
    common = ["--build-dir", str(tmp_path / "build"), "--mirror", str(upstream_dir), "registry"]
    result = CliRunner().invoke(main, [*common, "--curation-dir", str(folder), "--update"])
    assert result.exit_code == 0, result.output
    written = (folder / "keys.tsv").read_text(encoding="utf-8")
    if update_golden:
        (CURATION / "keys.tsv").write_text(written, encoding="utf-8")
    committed = (CURATION / "keys.tsv").read_text(encoding="utf-8")
    assert written == committed, "run `dlkg registry --update` and commit"
    check = CliRunner().invoke(main, [*common, "--curation-dir", str(folder)])
    assert check.exit_code == 0 and "up to date" in check.output


@pytest.mark.upstream
def test_the_real_build_mints_no_new_key_and_loses_none(upstream_dir: Path) -> None:
    res = _resolve(_texts(upstream_dir), CURATION)
    codes = {i.code for i in res.issues}
    assert not codes & {"resolve.new-key", "resolve.key-unmatched", "resolve.curation-unmatched"}
    registered = {(r.kind, r.key) for r in parse_registry((CURATION / "keys.tsv").read_text())}
    nodes = {("paper", k) for k in res.papers} | {("person", k) for k in res.persons}
    assert nodes == registered


@pytest.mark.upstream
def test_colliding_insertions_change_no_existing_key(upstream_dir: Path) -> None:
    texts = _texts(upstream_dir)
    before = _resolve(texts, CURATION)
    edited = dict(texts)
    for sid, (at, lines) in INSERTS.items():
        kind, name, text = texts[sid]
        rows = text.split("\n")
        edited[sid] = (kind, name, "\n".join(rows[: at - 1] + lines + rows[at - 1 :]))
    after = _resolve(edited, CURATION)
    moved = {sid: (at, len(lines)) for sid, (at, lines) in INSERTS.items()}
    old, new = _keys(before, {}), _keys(after, moved)
    changed = {k: (v, new.get(k)) for k, v in old.items() if new.get(k) != v}
    assert not changed, f"keys changed by an unrelated edit: {changed}"
    assert before.papers.keys() <= after.papers.keys()
    assert before.persons.keys() <= after.persons.keys()
    old_items = {(i.list_id, i.key) for i in before.items}
    assert old_items <= {(i.list_id, i.key) for i in after.items}
    # the newcomers got fresh keys, reported for registration; no decision went stale
    fresh = {k for k in new.values()} - set(old.values())
    assert {"fast-r-cnn-2019", "hinton-gerald", "lee-2"} <= fresh
    reported = {i.message.split("'")[1] for i in after.issues if i.code == "resolve.new-key"}
    assert fresh == reported
    codes = {i.code for i in after.issues}
    assert not codes & {"resolve.key-unmatched", "resolve.curation-unmatched"}
