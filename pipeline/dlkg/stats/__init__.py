"""Author, paper, list and coverage statistics: SPARQL in queries/stats/, tables, charts, network.

Every figure is the result of one `.rq` file under `queries/stats/` (so users can rerun and change
it); `queries.py` runs them against the built store or the server's query runner and returns plain
`Table`s. `tables.py` prints them fitted to the terminal and writes CSV/JSON, `charts.py` turns
them into Vega-Lite specs (rendered to SVG/PNG by vl-convert, and by vega-embed in the browser),
`network.py` lays out the co-authorship graph, `page.py` writes the `/stats` page.
"""
