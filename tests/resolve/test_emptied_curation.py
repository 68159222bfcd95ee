"""The rules alone, without curation: decisions.tsv and keys.tsv cut to their header lines.

Curation decides only what no rule can (docs/resolution.md); the registry keeps keys stable
and does not merge. So a build from an emptied curation folder must pass validation, and its
papers and persons must score precision 1.0 and recall at least 0.99 against the gold sample
(measured: papers 1.0 / 1.0; persons 1.0 / 0.9985, the one pair left apart being "Chen" of
"Chen and Manning" and "D. Chen" of the CNN/Daily Mail paper, which no source connects).
With the curation files every score is 1.0 (tests/resolve/test_gold.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from resolve_helpers import gold_scores

from dlkg.build import build
from dlkg.resolve import resolve
from dlkg.resolve.curation import HEADER as DECISIONS_HEADER
from dlkg.resolve.keys import HEADER as KEYS_HEADER
from dlkg.settings import Settings
from helpers import CURATION, parse_all

pytestmark = pytest.mark.upstream


def _emptied(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "decisions.tsv").write_text("\t".join(DECISIONS_HEADER) + "\n", encoding="utf-8")
    (folder / "keys.tsv").write_text("\t".join(KEYS_HEADER) + "\n", encoding="utf-8")
    return folder


def test_without_curation_the_rules_score_at_least_0_99_with_precision_1(
    upstream_dir: Path, tmp_path: Path
) -> None:
    res = resolve(parse_all(upstream_dir), curation_dir=_emptied(tmp_path / "curation"))
    scores = gold_scores(res)
    for kind, (precision, recall, errors) in scores.items():
        assert precision == 1.0, f"{kind}: " + "\n".join(errors)
        assert recall >= 0.99, f"{kind}: recall {recall:.4f}\n" + "\n".join(errors)
    assert scores["papers"][1] == 1.0
    # Nobody the rules should join is left with a namesake node.
    names = [p.name for p in res.persons.values()]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    assert not [i for i in res.issues if i.level.value == "error"]


def test_with_the_curation_files_every_score_is_1(upstream_dir: Path) -> None:
    scores = gold_scores(resolve(parse_all(upstream_dir), curation_dir=CURATION))
    assert {kind: (p, r) for kind, (p, r, _) in scores.items()} == {
        "papers": (1.0, 1.0),
        "persons": (1.0, 1.0),
    }


def test_a_build_from_an_emptied_curation_folder_passes_validation(
    upstream_dir: Path, tmp_path: Path
) -> None:
    settings = Settings(
        build_dir=tmp_path / "build",
        cache_dir=tmp_path / "build" / "cache",
        mirror_dir=upstream_dir,
        offline=True,
        curation_dir=_emptied(tmp_path / "curation"),
    )
    report = build(settings)  # raises NotConformant when validation fails
    assert report.counts["persons"] > 400
