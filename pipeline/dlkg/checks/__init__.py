"""Checks that surface the sources' defects without changing what resolution decides.

Two stages, both returning `Issue`s with a source line and, in `Issue.action`, what dlkg did:

- `single_source(kind, text, result)`: one source's own text and records (links, years against
  arXiv ids and section rules, Contents against headings, titles that end mid-phrase, the
  blog's typos). `dlkg build` runs it after parsing each source; `dlkg lint` runs it on local
  files.
- `cross_source(results, resolution)`: after resolution, records of one paper compared across
  sources (author lists, titles, http/https spellings of one link, what a translation adds or
  names differently). It also gives each paper clean canonical URLs (`normalize.urls`); the
  records keep their links as written.
"""

from __future__ import annotations

from ..records import Issue, ParseResult
from . import authors, headings, links, titles, translation, years
from .common import CheckContext


def single_source(kind: str, text: str, result: ParseResult, path: str) -> list[Issue]:
    """Every single-source check of one parsed source (`kind` is its registry name, `path` the
    file name its records carry)."""
    ctx = CheckContext(kind, text, result, path)
    for check in (links.check, headings.check, years.check, titles.check, translation.check):
        check(ctx)
    return ctx.issues


def cross_source(results: list[ParseResult], resolution: object) -> list[Issue]:
    """Every cross-source check; sets canonical URLs on the resolved papers."""
    from ..model import Resolution

    assert isinstance(resolution, Resolution)
    issues: list[Issue] = []
    issues += links.canonicalise(resolution)
    issues += authors.cross_check(resolution)
    issues += titles.cross_check(resolution)
    issues += translation.cross_check(resolution)
    return issues


__all__ = ["cross_source", "single_source"]
