"""report.json is among the downloads (issue 9), listed in SHA256SUMS like every dump, and
the /report page over a real build links every source line upstream."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any


def _sums(dumps: Path) -> dict[str, str]:
    lines = (dumps / "SHA256SUMS").read_text(encoding="ascii").splitlines()
    return {name: digest for digest, _, name in (line.partition("  ") for line in lines)}


def test_the_build_report_is_a_download(built: Any) -> None:
    settings, report = built
    published = settings.dumps_dir / "report.json"
    assert published.read_bytes() == settings.report_path.read_bytes()
    data = json.loads(published.read_text(encoding="utf-8"))
    assert len(data["issues"]) == len(list(report.all_issues())) > 0
    digest = hashlib.sha256(published.read_bytes()).hexdigest()
    assert _sums(settings.dumps_dir)["report.json"] == digest
    assert "dlkg.nt" in _sums(settings.dumps_dir)  # the dumps' lines are kept


def test_the_report_page_links_the_real_sources_upstream(built: Any) -> None:
    """/report over a real build: every source line of the GitHub sources links to its file
    at the commit data/sources.toml pins (read back from the build's meta graph)."""
    from dlkg.catalogue import category_of
    from dlkg.fetch import load_manifest
    from dlkg.resources import queries_dir
    from dlkg.store import open_read_only
    from dlkg.web.http import Request
    from dlkg.web.site.app import build_site

    settings, report = built
    site = build_site(
        open_read_only(settings.store_dir),
        base_iri=settings.base_iri,
        build_dir=settings.current_dir,
        queries_dir=queries_dir(),
    )
    page = site(Request("GET", "/report", {}, {"accept": "text/html"}))
    assert page.status == 200
    text = page.body.decode("utf-8")
    specs = {spec.id: spec for spec in load_manifest(settings.sources_manifest)}
    checked = 0
    for issue in report.all_issues():
        if issue.where is None:
            continue
        spec = specs[issue.where.source_id]
        if spec.commit:
            path = spec.url.split(f"/{spec.commit}/", 1)[1] if spec.url else spec.file_name
            href = f"{spec.homepage}/blob/{spec.commit}/{path}#L{issue.where.line}"
            assert f'href="{href}"' in text, issue
            checked += 1
    assert checked > 10  # the real sources have many warnings on GitHub files
    categories = {category_of(i.code) for i in report.all_issues()}
    assert text.count('class="report-group"') == len(categories) > 1
