"""Vega-Lite specs of the statistics charts, and their SVG/PNG rendering with vl-convert.

One declarative spec per chart (a plain JSON-able dict with its data inline) is both rendered to
files here and handed unchanged to vega-embed on the `/stats` page, so the two cannot disagree.
Every chart draws one bar (`rect` mark) per data row: the browser test counts them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .queries import Row, Table
from .tables import ranked, top_with_ties

Spec = dict[str, Any]
VEGA_LITE_VERSION = "6.4"  # vl-convert's bundled Vega-Lite; frontend/package.json pins the same
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
TOP_AUTHORS = 15
ENGLISH_LISTS = ("awesome", "roadmap")
# A font every renderer has (vl-convert ships Liberation; browsers fall back): stable text widths.
FONT = "Liberation Sans, Arial, sans-serif"


def _spec(title: str, values: list[Row] | list[dict[str, object]], **rest: Any) -> Spec:
    return {
        "$schema": SCHEMA,
        "title": title,
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True},
        "config": {"font": FONT, "view": {"stroke": None}},
        **rest,
    }


def papers_per_year(tables: dict[str, Table]) -> Spec:
    values: list[Row] = []
    for row in tables["papers-per-year"].rows:
        if row.get("list") not in ENGLISH_LISTS:
            continue
        part = row.get("part")
        series = f"{row['list']} ({part})" if part else str(row["list"])
        values.append({"series": series, "year": row["year"], "papers": row["papers"]})
    return _spec(
        "Papers per year by list",
        values,
        width={"step": 12},
        height=220,
        encoding={
            "x": {"field": "year", "type": "ordinal", "title": "year"},
            "xOffset": {"field": "series"},
            "y": {"field": "papers", "type": "quantitative", "title": "papers"},
            "color": {"field": "series", "type": "nominal", "title": None},
        },
    )


def top_authors(tables: dict[str, Table]) -> Spec:
    table = top_with_ties(ranked(tables["authors-top100"]), TOP_AUTHORS)
    values = [
        {
            "name": r["name"],
            "papers": r["papers"],
            "first": r["first_author"],
            "person": r["person"],
        }
        for r in table.rows
    ]
    return _spec(
        f"Most prolific top-100 authors (top {TOP_AUTHORS}, ties kept)",
        values,
        width=360,
        height={"step": 16},
        encoding={
            "y": {"field": "name", "type": "nominal", "sort": None, "title": None},
            "x": {"field": "papers", "type": "quantitative", "title": "top-100 papers"},
            "color": {"value": "#4c78a8"},
        },
    )


def _section_label(row: Row) -> str:
    notation = row.get("notation")
    label = f"{notation} {row['label']}" if notation else str(row["label"])
    return f"{row['list']}: {label}"


def section_sizes(tables: dict[str, Table]) -> Spec:
    values = [
        {"section": _section_label(r), "list": r["list"], "entries": r["entries"]}
        for r in tables["section-sizes"].rows
        if r.get("list") in ENGLISH_LISTS
    ]
    return _spec(
        "Entries per section",
        values,
        width=300,
        height={"step": 14},
        encoding={
            "y": {"field": "section", "type": "nominal", "sort": None, "title": None},
            "x": {"field": "entries", "type": "quantitative", "title": "entries"},
            "color": {"field": "list", "type": "nominal", "title": None},
        },
    )


COVERAGE_MEASURES = (
    ("entries listed in the translation", "covered", "entries"),
    ("sections with a Chinese label", "sections_zh", "sections"),
    ("entries with a Chinese title", "titles_zh", "entries"),
)


def translation_coverage(tables: dict[str, Table]) -> Spec:
    values: list[dict[str, object]] = []
    for row in tables["translation-coverage"].rows:
        for measure, part, whole in COVERAGE_MEASURES:
            total = int(row[whole] or 0)
            share = round(100 * int(row[part] or 0) / total, 1) if total else 0.0
            values.append(
                {
                    "list": f"{row['list']} ← {row['translation']}",
                    "measure": measure,
                    "percent": share,
                    "count": f"{row[part]} of {total}",
                }
            )
    return _spec(
        "How much of each English list the Chinese documents cover",
        values,
        width=300,
        height={"step": 16},
        encoding={
            "y": {"field": "measure", "type": "nominal", "title": None},
            "yOffset": {"field": "list"},
            "x": {
                "field": "percent",
                "type": "quantitative",
                "title": "% of the English list",
                "scale": {"domain": [0, 100]},
            },
            "color": {"field": "list", "type": "nominal", "title": None},
        },
    )


def roadmap_stars(tables: dict[str, Table]) -> Spec:
    values = [
        {
            "section": f"{r['notation']} {r['label']}" if r.get("notation") else r["label"],
            "stars": r["stars"],
            "entries": r["entries"],
        }
        for r in tables["roadmap-stars"].rows
    ]
    return _spec(
        "Roadmap entries per section by stars",
        values,
        width=300,
        height={"step": 14},
        encoding={
            "y": {"field": "section", "type": "nominal", "sort": None, "title": None},
            "x": {"field": "entries", "type": "quantitative", "title": "entries", "stack": True},
            "color": {
                "field": "stars",
                "type": "ordinal",
                "title": "stars",
                "scale": {"scheme": "oranges"},
            },
            "order": {"field": "stars", "type": "ordinal"},
        },
    )


CHARTS: dict[str, Callable[[dict[str, Table]], Spec]] = {
    "papers-per-year": papers_per_year,
    "top-authors": top_authors,
    "section-sizes": section_sizes,
    "translation-coverage": translation_coverage,
    "roadmap-stars": roadmap_stars,
}


def chart_specs(tables: dict[str, Table]) -> dict[str, Spec]:
    return {name: make(tables) for name, make in CHARTS.items()}


def render_svg(spec: Spec) -> str:
    import vl_convert

    svg: str = vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION)
    return svg


def render_png(spec: Spec, scale: float = 2.0) -> bytes:
    import vl_convert

    png: bytes = vl_convert.vegalite_to_png(spec, vl_version=VEGA_LITE_VERSION, scale=scale)
    return png
