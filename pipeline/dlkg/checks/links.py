"""Links: each written URL's defects, http/https spellings of one link, canonical entity URLs."""

from __future__ import annotations

from collections import defaultdict

from ..model import Resolution
from ..normalize.identifiers import clean_url
from ..normalize.urls import canonical_url, scheme_key, url_defects
from ..records import Issue, Provenance
from .common import CheckContext, records_by_paper, warning

_KEPT = "the record keeps the URL as written"


def check(ctx: CheckContext) -> None:
    """Every defect of every link of the source's entries, and one source spelling one link
    both with http and with https."""
    schemes: dict[str, dict[str, Provenance]] = defaultdict(dict)
    for entry in ctx.result.entries:
        for link in entry.links:
            for d in url_defects(link.url, link.kind):
                action = f"canonical URL {d.canonical} used on the paper; {_KEPT}"
                unchanged = (
                    d.canonical.split("://", 1)[-1] == clean_url(link.url).split("://", 1)[-1]
                )
                if unchanged or d.suffix in ("unofficial-mirror", "pdf-link-to-page"):
                    action = f"kept as written; {_KEPT}"  # nothing to clean but the scheme
                ctx.warn(f"check.{d.suffix}", f"{d.message}: {link.url}", entry.prov, action)
            scheme = clean_url(link.url).split("://", 1)[0].lower()
            schemes[scheme_key(link.url)].setdefault(scheme, entry.prov)
    for key, seen in schemes.items():
        if {"http", "https"} <= set(seen):
            ctx.warn(
                "check.http-https-duplicate",
                f"one link written with http ({seen['http']}) and https ({seen['https']}): {key}",
                seen["http"],
                "the https form is used on the paper; each record keeps its own",
            )


def canonicalise(resolution: Resolution) -> list[Issue]:
    """Give each paper clean canonical URLs (https where any record of it uses https for the
    same link), and report http/https spellings of one link across sources."""
    issues: list[Issue] = []
    records = records_by_paper(resolution)
    for key, paper in resolution.papers.items():
        provs: dict[str, dict[str, Provenance]] = defaultdict(dict)
        for record in records.get(key, []):
            for link in getattr(record, "links", ()):
                scheme = clean_url(link.url).split("://", 1)[0].lower()
                provs[scheme_key(link.url)].setdefault(scheme, record.prov)
        urls: list[str] = []
        for url in paper.urls:
            seen = provs.get(scheme_key(url), {})
            clean = canonical_url(url, https=True if "https" in seen else None)
            if clean not in urls:
                urls.append(clean)
        paper.urls = urls
        for link_key, seen in sorted(provs.items()):
            http, https = seen.get("http"), seen.get("https")
            if http and https and http.source_id != https.source_id:
                issues.append(
                    warning(
                        "cross.http-https-duplicate",
                        f"paper {key}: {http} writes http, {https} https for {link_key}",
                        http,
                        "one https URL on the paper; each record keeps its own",
                    )
                )
    return issues
