"""Links into the other scholarly graphs (issue 12).

Offline, in every build: `ids` (arXiv DOIs, lookup links, syntax checks) and `offline`
(the identifier triples of graph/entities). Live, in `dlkg link`: `config`, `ratelimit` and
`http` (polite, cached requests), `clients/` (one per service), `match` (is a hit this
paper?), `run`, `mappings`, `graph` (graph/links), `sssom`, `report` and `outputs`.
"""
