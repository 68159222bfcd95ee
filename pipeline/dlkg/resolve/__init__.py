"""Resolve: one node per real paper and per real person, with the evidence of every decision.

`resolve` (in `run`) applies the rules of docs/resolution.md in order: `papers` (which
records name one paper), `people`, `names`, `name_clusters` and `researchers` (which written
names are one person), `assemble` (entities from clusters), `keys` and `minting` (the key
registry data/curation/keys.tsv, choosing keys) and `curation` (manual decisions); `base` and
`unionfind` hold what they share.
"""

from __future__ import annotations

from .run import resolve

__all__ = ["resolve"]
