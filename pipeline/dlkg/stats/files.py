"""`dlkg stats --plots DIR`: every chart as SVG, PNG and its Vega-Lite spec; the network as SVG/PNG.

SVG output is deterministic (same store, same bytes): the specs carry their data inline in query
order, vl-convert renders without clock or random ids, and the network layout is seeded.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import charts, network
from .queries import Table


def write_plots(tables: dict[str, Table], out_dir: Path) -> list[Path]:
    """Write `{chart}.svg`, `{chart}.png`, `{chart}.vl.json` and `network-{scope}.svg/.png`."""
    import vl_convert

    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def put(name: str, data: str | bytes) -> None:
        path = out_dir / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        written.append(path)

    for name, spec in charts.chart_specs(tables).items():
        put(f"{name}.vl.json", json.dumps(spec, ensure_ascii=False, indent=1) + "\n")
        put(f"{name}.svg", charts.render_svg(spec))
        put(f"{name}.png", charts.render_png(spec))
    for scope in network.SCOPES:
        svg = network.to_svg(network.build_network(tables, scope))
        put(f"network-{scope}.svg", svg)
        put(f"network-{scope}.png", vl_convert.svg_to_png(svg, scale=1.0))
    return written
