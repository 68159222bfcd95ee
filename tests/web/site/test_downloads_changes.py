"""/downloads lists what changed since the previous build (the build's changes.json)."""

from __future__ import annotations

import json
from pathlib import Path

from ..helpers import BASE, Call


def _changes(build_dir: Path) -> None:
    counts = {"added": 1, "removed": 0, "changed": 1}
    data = {
        "old": "20260101T000000-1",
        "new": "20260102T000000-1",
        "summary": {"papers": counts, "persons": dict.fromkeys(counts, 0), "items": counts},
        "added": {"papers": [{"iri": f"{BASE}paper/new-one"}], "persons": [], "items": []},
        "removed": {"papers": [], "persons": [], "items": []},
        "changed": {
            "papers": {f"{BASE}paper/old-one": {"year": {"old": "2014", "new": "2015"}}},
            "persons": {},
            "items": {f"{BASE}list/roadmap/item/1.3/x": {"stars": {"old": "5", "new": "4"}}},
        },
    }
    (build_dir / "changes.json").write_text(json.dumps(data), encoding="utf-8")


def test_the_listing_shows_changes_since_the_previous_build(call: Call, build_dir: Path) -> None:
    _changes(build_dir)
    page = call("/downloads").body.decode("utf-8")
    assert "Changes since the previous build" in page
    assert "papers: 1 added, 0 removed, 1 changed" in page
    assert 'href="/paper/new-one"' in page  # dataset IRIs link to this server's pages
    assert "year: 2014 → 2015" in page
    assert "stars: 5 → 4" in page


def test_no_or_unreadable_changes_file_shows_no_section(call: Call, build_dir: Path) -> None:
    assert "Changes since" not in call("/downloads").body.decode("utf-8")
    (build_dir / "changes.json").write_text("{not json", encoding="utf-8")
    assert "Changes since" not in call("/downloads").body.decode("utf-8")
