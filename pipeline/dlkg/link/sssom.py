"""The mappings as an SSSOM/TSV table (https://mapping-commons.github.io/sssom/spec-formats-tsv/).

Written by hand rather than with the `sssom` package (docs/decisions.md): that package pulls
in LinkML and pandas, a few hundred megabytes for writing one tab-separated file. The format
is small: a YAML metadata block on lines starting with `#` (curie_map, mapping_set_id,
license are required), then one header row and one row per mapping, every `*_id` a CURIE of
the curie_map, multi-valued cells separated by `|`. tests/link/test_sssom.py checks a written
table against these rules.
"""

from __future__ import annotations

from .. import __version__
from .mappings import Mapping

COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "object_source",
    "confidence",
    "subject_match_field",
    "mapping_date",
    "comment",
)
FIXED_PREFIXES = {
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "semapv": "https://w3id.org/semapv/vocab/",
    "schema": "http://schema.org/",
    "wikidata": "http://www.wikidata.org/entity/",
    "openalex": "https://openalex.org/",
    "orcid": "https://orcid.org/",
    "doi": "https://doi.org/",
    "dblp.author": "https://dblp.org/pid/",
    "dblp.publication": "https://dblp.org/rec/",
    "s2.paper": "https://www.semanticscholar.org/paper/",
    "s2.author": "https://www.semanticscholar.org/author/",
    "arxiv": "https://arxiv.org/abs/",
}
SERVICE_SOURCES = {
    "crossref": "https://api.crossref.org",
    "openalex": "https://openalex.org",
    "semanticscholar": "https://www.semanticscholar.org",
    "wikidata": "https://www.wikidata.org",
    "dblp": "https://dblp.org",
    "arxiv": "https://arxiv.org",
}
LICENCE = "https://creativecommons.org/publicdomain/zero/1.0/"


def curie_map(base_iri: str) -> dict[str, str]:
    return {
        "dlkg.paper": f"{base_iri}paper/",
        "dlkg.person": f"{base_iri}person/",
        **FIXED_PREFIXES,
    }


def compress(iri: str, prefixes: dict[str, str]) -> str:
    """The CURIE of `iri` under the longest matching namespace of `prefixes`."""
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        raise ValueError(f"no SSSOM prefix for {iri}")
    prefix = next(p for p, ns in prefixes.items() if ns == best)
    return f"{prefix}:{iri[len(best) :]}"


def _cell(text: object) -> str:
    return " ".join(str(text).split())  # no tabs or newlines inside a cell


def to_sssom(mappings: list[Mapping], base_iri: str, mapping_date: str | None) -> str:
    prefixes = curie_map(base_iri)
    meta = [
        "curie_map:",
        *(f"  {p}: {ns}" for p, ns in sorted(prefixes.items())),
        f"mapping_set_id: {base_iri}downloads/dlkg.sssom.tsv",
        "mapping_set_title: dlkg papers and people mapped to Wikidata, OpenAlex, dblp, "
        "Semantic Scholar, Crossref and ORCID",
        f"license: {LICENCE}",
        f"mapping_tool: dlkg link {__version__}",
    ]
    if mapping_date:
        meta.append(f"mapping_date: {mapping_date}")
    lines = [f"#{line}" for line in meta]
    lines.append("\t".join(COLUMNS))
    for m in mappings:
        dates = sorted(a.retrieved_at[:10] for a in m.answers)
        row = (
            compress(base_iri + m.subject, prefixes),
            m.subject_label,
            m.predicate,
            compress(m.object, prefixes),
            m.object_label,
            "semapv:DatabaseCrossReference",
            SERVICE_SOURCES.get(m.object_source, m.object_source),
            f"{m.confidence:.3f}",
            "|".join(m.match_fields),
            dates[-1] if dates else "",
            m.comment,
        )
        lines.append("\t".join(_cell(c) for c in row))
    return "\n".join(lines) + "\n"


__all__ = ["COLUMNS", "compress", "curie_map", "to_sssom"]
