"""The synthetic graph the server benchmarks serve, and the queries they send.

Papers, persons, authorships and one list with sections, shaped like docs/data-model.md, from
a fixed seed: `bench_server.py` and `bench_fair.py` serve the same data.
"""

from __future__ import annotations

import random

import pyoxigraph as ox

from dlkg.common import prefix_block
from dlkg.iris import IriMinter
from dlkg.namespaces import DLKG, PROV, RDF, SCHEMA, SKOS, XSD

BASE = "https://w3id.org/dlkg/"
PREFIX_BLOCK = prefix_block(("schema", "dlkg"))
LOOKUP = PREFIX_BLOCK + (
    'SELECT ?paper ?title ?year WHERE {{ ?paper dlkg:arxivId "{id}" ; schema:name ?title .'
    " OPTIONAL {{ ?paper schema:datePublished ?year }} }}"
)
GROUP_BY = PREFIX_BLOCK + (
    "SELECT ?person ?name (COUNT(DISTINCT ?paper) AS ?papers) WHERE {"
    " ?paper schema:author ?person . ?person schema:name ?name }"
    " GROUP BY ?person ?name ORDER BY DESC(?papers) ?person"
)


def arxiv_id(n: int) -> str:
    return f"{1400 + n % 300:04d}.{n:05d}"


def synthetic_quads(papers: int, seed: int = 7) -> list[ox.Quad]:
    """Papers, persons, authorships and one list with sections, as in docs/data-model.md."""
    rng = random.Random(seed)
    iri = IriMinter(BASE)

    def n(term: object) -> ox.NamedNode:
        return ox.NamedNode(str(term))

    entities, listing = n(iri.graph("entities")), n(iri.graph("awesome"))
    source = n(iri.source("awesome"))
    people = max(50, papers * 4 // 3)
    quads: list[ox.Quad] = []
    for p in range(people):
        person = n(iri.person(f"family{p}-g"))
        quads += [
            ox.Quad(person, n(RDF.type), n(SCHEMA.Person), entities),
            ox.Quad(person, n(SCHEMA.name), ox.Literal(f"Given{p} Family{p}"), entities),
            ox.Quad(person, n(SCHEMA.familyName), ox.Literal(f"Family{p}"), entities),
        ]
    the_list = n(iri.list("awesome"))
    sections = [n(iri.section("awesome", f"section-{s}")) for s in range(10)]
    quads.append(ox.Quad(the_list, n(RDF.type), n(SCHEMA.ItemList), listing))
    for s, section in enumerate(sections):
        quads += [
            ox.Quad(section, n(RDF.type), n(SKOS.Concept), listing),
            ox.Quad(section, n(SKOS.prefLabel), ox.Literal(f"Section {s}", language="en"), listing),
        ]
    for p in range(papers):
        key = f"arxiv-{arxiv_id(p)}"
        paper = n(iri.paper(key))
        year = ox.Literal(str(2006 + p % 12), datatype=n(XSD.gYear))
        quads += [
            ox.Quad(paper, n(RDF.type), n(SCHEMA.ScholarlyArticle), entities),
            ox.Quad(paper, n(SCHEMA.name), ox.Literal(f"Deep paper {p}", language="en"), entities),
            ox.Quad(paper, n(SCHEMA.datePublished), year, entities),
            ox.Quad(paper, n(DLKG.arxivId), ox.Literal(arxiv_id(p)), entities),
            ox.Quad(paper, n(PROV.wasDerivedFrom), source, entities),
        ]
        for pos, who in enumerate(rng.sample(range(people), rng.randint(1, 6)), start=1):
            person, role = n(iri.person(f"family{who}-g")), n(iri.authorship(key, pos))
            quads += [
                ox.Quad(paper, n(SCHEMA.author), person, entities),
                ox.Quad(paper, n(DLKG.authorship), role, entities),
                ox.Quad(role, n(RDF.type), n(DLKG.Authorship), entities),
                ox.Quad(role, n(DLKG.person), person, entities),
                ox.Quad(
                    role,
                    n(SCHEMA.position),
                    ox.Literal(str(pos), datatype=n(XSD.integer)),
                    entities,
                ),
            ]
        item = n(iri.list_item("awesome", f"section-{p % 10}/{key}"))
        quads += [
            ox.Quad(the_list, n(SCHEMA.itemListElement), item, listing),
            ox.Quad(item, n(RDF.type), n(SCHEMA.ListItem), listing),
            ox.Quad(item, n(SCHEMA.item), paper, listing),
            ox.Quad(
                item, n(SCHEMA.position), ox.Literal(str(p + 1), datatype=n(XSD.integer)), listing
            ),
            ox.Quad(item, n(DLKG.section), sections[p % 10], listing),
        ]
    return quads
