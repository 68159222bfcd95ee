"""The SSSOM/TSV table checked against the format's rules (SSSOM 1.0, TSV serialisation).

The rules: a metadata block of `#`-prefixed YAML lines with `curie_map`, `mapping_set_id` and
`license`; one header row; every row has subject_id, predicate_id, object_id and
mapping_justification; every `*_id` (and match field, justification) is a CURIE whose prefix
the curie_map declares; predicates and justifications are the ones SSSOM and semapv define;
confidence is a number from 0 to 1; multi-valued cells use `|`; no cell holds a tab or a
newline.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from dlkg.link.mappings import build_mappings
from dlkg.link.run import run_link
from dlkg.link.sssom import COLUMNS, compress, curie_map, to_sssom

from .conftest import fake_config
from .fakes import FakeService
from .test_run import BASE, PAPERS

REQUIRED_COLUMNS = {"subject_id", "predicate_id", "object_id", "mapping_justification"}
CURIE_COLUMNS = ("subject_id", "predicate_id", "object_id", "mapping_justification")
PREDICATES = {"skos:exactMatch", "owl:sameAs"}
JUSTIFICATIONS = {
    "semapv:DatabaseCrossReference",
    "semapv:LexicalMatching",
    "semapv:ManualMappingCuration",
}


def parse_sssom(text: str) -> tuple[dict[str, object], list[dict[str, str]]]:
    """A small reader of the SSSOM/TSV layout (enough YAML for the block dlkg writes)."""
    meta_lines = [line[1:] for line in text.splitlines() if line.startswith("#")]
    meta: dict[str, object] = {}
    current: dict[str, str] | None = None
    for line in meta_lines:
        if line.startswith("  ") and current is not None:
            key, _, value = line.strip().partition(": ")
            current[key] = value
            continue
        key, _, value = line.partition(":")
        if value.strip():
            meta[key] = value.strip()
            current = None
        else:
            current = {}
            meta[key] = current
    body = [line for line in text.splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(body, delimiter="\t"))
    return meta, rows


def check_sssom(text: str) -> list[dict[str, str]]:
    meta, rows = parse_sssom(text)
    for key in ("curie_map", "mapping_set_id", "license"):
        assert key in meta, f"metadata lacks {key}"
    prefixes = meta["curie_map"]
    assert isinstance(prefixes, dict)
    header = next(line for line in text.splitlines() if not line.startswith("#")).split("\t")
    assert set(header) >= REQUIRED_COLUMNS
    for row in rows:
        assert None not in row, f"row with more cells than columns: {row}"
        for column in CURIE_COLUMNS:
            prefix, sep, _local = row[column].partition(":")
            assert sep and prefix in prefixes, (column, row[column])
        for field in row["subject_match_field"].split("|") if row["subject_match_field"] else []:
            assert field.partition(":")[0] in prefixes, field
        assert row["predicate_id"] in PREDICATES
        assert row["mapping_justification"] in JUSTIFICATIONS
        assert 0.0 <= float(row["confidence"]) <= 1.0
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["mapping_date"]), row["mapping_date"]
    return rows


def test_written_table_follows_the_format(fakes: dict[str, FakeService], tmp_path: Path) -> None:
    result = run_link(PAPERS, fake_config(fakes), tmp_path / "c.sqlite")
    mappings, _ = build_mappings(PAPERS, result, {"hinton-g": "Geoffrey E. Hinton"})
    text = to_sssom(mappings, BASE, "2026-12-01")
    rows = check_sssom(text)
    assert len(rows) == len(mappings) > 10
    assert (
        tuple(
            text.splitlines()[len([x for x in text.splitlines() if x.startswith("#")])].split("\t")
        )
        == COLUMNS
    )
    hinton = [
        r
        for r in rows
        if r["subject_id"] == "dlkg.person:hinton-g" and r["predicate_id"] == "owl:sameAs"
    ]
    assert [r["object_id"] for r in hinton] == ["orcid:0000-0002-1825-0097"]
    assert hinton[0]["subject_label"] == "Geoffrey E. Hinton"
    work = next(r for r in rows if r["object_id"] == "wikidata:Q9100001")
    assert work["subject_match_field"] == "schema:name|schema:datePublished|schema:author"


def test_the_checker_rejects_broken_tables() -> None:
    good = to_sssom([], BASE, None)
    check_sssom(good)
    with pytest.raises(AssertionError, match="license"):
        check_sssom(good.replace("#license:", "#licence:"))
    broken_row = (
        good
        + "dlkg.paper:x\t\tskos:exactMatch\tnowhere:1\t\tsemapv:DatabaseCrossReference"
        + "\t\t0.5\t\t2026-12-01\t\n"
    )
    with pytest.raises(AssertionError):
        check_sssom(broken_row)


def test_compress_uses_the_longest_namespace() -> None:
    prefixes = curie_map(BASE)
    assert compress("https://dblp.org/pid/10/3248", prefixes) == "dblp.author:10/3248"
    assert compress(BASE + "paper/arxiv-1503.02531", prefixes) == "dlkg.paper:arxiv-1503.02531"
    with pytest.raises(ValueError, match="no SSSOM prefix"):
        compress("https://example.org/x", prefixes)
