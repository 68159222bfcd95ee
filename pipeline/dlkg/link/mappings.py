"""From checked hits to mappings: one row per (subject, predicate, object), with evidence.

Papers map to the records of other graphs with `skos:exactMatch` (a Wikidata item, an
OpenAlex work, a dblp record and a Semantic Scholar paper each describe the work, in their own
model: dblp, for one, keeps the preprint and the proceedings paper apart). People map to their
ORCID iD with `owl:sameAs` (the iD names the person) and to their Wikidata, dblp, OpenAlex and
Semantic Scholar records with `skos:exactMatch`. When two services give a person two different
ids of one kind, neither is kept: that is a finding for the report.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .http import Answer
from .model import PaperQuery
from .run import Decision, Finding, LinkResult, person_links

EXACT = "skos:exactMatch"
SAME = "owl:sameAs"
JUSTIFICATION = "semapv:DatabaseCrossReference"
# which of our properties each agreeing field compares (SSSOM subject_match_field)
PERSON_FIELDS = ("schema:familyName", "schema:position")
MATCH_FIELDS = {"title": "schema:name", "year": "schema:datePublished", "authors": "schema:author"}


@dataclass
class Mapping:
    subject: str  # "paper/<key>" or "person/<key>": relative to the base IRI
    subject_label: str
    predicate: str
    object: str  # an absolute IRI
    object_label: str
    object_source: str  # the service
    confidence: float
    match_fields: tuple[str, ...]
    comment: str
    answers: list[Answer] = field(default_factory=list)


def person_iri(kind: str, value: str) -> tuple[str, str]:
    """(predicate, IRI) of a person identifier of `kind`."""
    if kind == "orcid":
        return SAME, f"https://orcid.org/{value}"
    if value.startswith("http"):
        return EXACT, value
    prefix = {
        "wikidata": "http://www.wikidata.org/entity/",
        "dblp": "https://dblp.org/pid/",
        "s2": "https://www.semanticscholar.org/author/",
        "openalex": "https://openalex.org/",
    }[kind]
    return EXACT, prefix + value


def build_mappings(
    papers: list[PaperQuery], result: LinkResult, names: dict[str, str]
) -> tuple[list[Mapping], list[Finding]]:
    """The mappings of accepted hits (merged per triple) and person-id conflicts."""
    by_key = {p.key: p for p in papers}
    rows: dict[tuple[str, str, str], Mapping] = {}

    def add(
        subject: str,
        label: str,
        predicate: str,
        obj: str,
        d: Decision,
        comment: str,
        fields: tuple[str, ...],
    ) -> None:
        key = (subject, predicate, obj)
        row = rows.get(key)
        if row is None:
            row = rows[key] = Mapping(
                subject,
                label,
                predicate,
                obj,
                d.hit.title or "",
                d.hit.service,
                d.verdict.confidence,
                fields,
                comment,
            )
        elif d.verdict.confidence > row.confidence:
            row.confidence, row.match_fields, row.comment = d.verdict.confidence, fields, comment
        if d.hit.answer not in row.answers:
            row.answers.append(d.hit.answer)

    for d in result.decisions:
        if d.verdict.accepted and d.hit.service != "arxiv":  # arXiv: already schema:sameAs
            paper = by_key[d.hit.paper_key]
            comment = f"found by {d.hit.found_by}; {d.verdict.note}"
            fields = tuple(MATCH_FIELDS[f] for f in d.verdict.agreed)
            add(f"paper/{paper.key}", paper.title, EXACT, d.hit.target, d, comment, fields)

    findings: list[Finding] = []
    ids_of: dict[tuple[str, str], dict[str, list[Decision]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for person_key, kind, value, d in person_links(by_key, result.decisions):
        # "10/3248" from Wikidata and https://dblp.org/pid/10/3248 from dblp are one id
        ids_of[(person_key, kind)][person_iri(kind, value)[1]].append(d)
    for (person_key, kind), values in sorted(ids_of.items()):
        if len(values) > 1:
            findings.append(
                Finding(
                    "",
                    "+".join(sorted({d.hit.service for ds in values.values() for d in ds})),
                    f"person {kind}",
                    f"person/{person_key}",
                    " | ".join(sorted(values)),
                    "",
                )
            )
            continue
        ((iri, decisions),) = values.items()
        predicate = person_iri(kind, iri)[0]
        for d in decisions:
            # the evidence: same family name at the same byline position of a checked paper
            comment = f"author of paper/{d.hit.paper_key} in {d.hit.target}"
            label = names.get(person_key, "")
            add(f"person/{person_key}", label, predicate, iri, d, comment, PERSON_FIELDS)
            rows[(f"person/{person_key}", predicate, iri)].object_label = ""
    return sorted(rows.values(), key=lambda m: (m.subject, m.predicate, m.object)), findings


__all__ = ["EXACT", "SAME", "Mapping", "build_mappings", "person_iri"]
