"""Sources are named by their id (two inputs are both README.md), and lines link upstream."""

from __future__ import annotations

from dlkg.common import upstream_line_url
from dlkg.records import Issue, Level, Provenance
from dlkg.web.site.render import environment


def test_a_provenance_names_its_source_id_and_a_curation_file_its_name() -> None:
    assert str(Provenance("awesome-readme", "README.md", 89)) == "awesome-readme:89"
    assert str(Provenance("roadmap-readme", "README.md", 25)) == "roadmap-readme:25"
    assert str(Provenance("curation", "decisions.tsv", 4)) == "decisions.tsv:4"
    issue = Issue("check.odd-port", Level.WARNING, "port 8888", Provenance("zh-awesome", "z.md", 7))
    assert str(issue) == "zh-awesome:7: warning: port 8888 [check.odd-port]"


def test_a_source_line_links_the_upstream_file_at_its_pinned_commit() -> None:
    raw = (
        "https://raw.githubusercontent.com/floodsung/Deep-Learning-Papers-Reading-Roadmap/"
        "a994642f82f071926fcb472bcf6cd63e4abba7ab/README.md"
    )
    assert upstream_line_url(raw, 25) == (
        "https://github.com/floodsung/Deep-Learning-Papers-Reading-Roadmap/blob/"
        "a994642f82f071926fcb472bcf6cd63e4abba7ab/README.md#L25"
    )
    assert upstream_line_url(None, 3) is None  # the client's documents have no upstream
    assert upstream_line_url("https://example.org/README.md", 3) is None


def test_pages_have_the_upstream_line_filter() -> None:
    template = environment().from_string("{{ url | upstream_line(89) }}")
    raw = "https://raw.githubusercontent.com/o/r/1a0a9df/README.md"
    assert template.render(url=raw) == "https://github.com/o/r/blob/1a0a9df/README.md#L89"
