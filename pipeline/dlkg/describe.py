"""Describe the emitted dataset: VoID/DCAT/PROV of the dataset and each named graph, licences.

Kept apart from emit.py, which turns records into facts: this module states what the dataset
is (title, rights, distributions, counts) and how it was made (the build activity, the only
clock-dependent triples).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from rdflib import Dataset, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from .emit import (
    BUILD_GRAPH,
    DUMP_FILES,
    ENTITIES_GRAPH,
    META_GRAPH,
    ONTOLOGY_GRAPH,
    graph_counts,
    xsd_integer,
)
from .formats import DUMP_FORMATS, by_extension
from .iris import IriMinter
from .namespaces import DCAT, DCTERMS, DLKG_NS, PROV, RDF, SCHEMA, VOID, XSD
from .quadsink import DatasetLike

if TYPE_CHECKING:  # only a type here: describing does not need the fetch stage
    from .fetch import FetchedSource


# Rights of the graphs dlkg writes itself (the ontology, the descriptions, the resolved facts).
OWN_LICENCE = URIRef("https://creativecommons.org/publicdomain/zero/1.0/")
MIXED_RIGHTS = (
    "Mixed: dlkg's own graphs (ontology, entities, meta, build) are CC0 1.0; each source graph "
    "keeps the terms of its source (see its dcterms:license or dcterms:rights). The roadmap has "
    "no licence upstream and the Chinese blog reserves reprint rights: ask before republishing "
    "those graphs."
)
NO_LICENCE_RIGHTS = (
    "The source states no licence: facts and short quotations reproduced with attribution; "
    "ask the source's author before republishing."
)


def describe(
    ds: DatasetLike,
    *,
    minter: IriMinter,
    sources: Iterable[FetchedSource],
    class_counts: Mapping[str, int],
) -> None:
    """Add the VoID/DCAT/PROV description of the dataset and of every graph (meta graph).

    Run it last: the triple counts it states cover everything else, the meta graph included.
    """
    meta = ds.graph(minter.graph(META_GRAPH))
    dataset = minter.dataset()
    build = minter.build()
    sources = list(sources)
    meta.add((dataset, RDF.type, VOID.Dataset))
    meta.add((dataset, RDF.type, DCAT.Dataset))
    meta.add((dataset, RDF.type, PROV.Entity))
    meta.add(
        (
            dataset,
            DCTERMS.title,
            Literal("dlkg: the deep-learning papers knowledge graph", lang="en"),
        )
    )
    meta.add((dataset, DCTERMS.title, Literal("dlkg：深度学习论文知识图谱", lang="zh-Hans")))
    meta.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "Papers of the 'Awesome - Most Cited Deep Learning Papers' list and the "
                "'Deep Learning Papers Reading Roadmap', with their Chinese translations, "
                "authors and links.",
                lang="en",
            ),
        )
    )
    meta.add((dataset, DCTERMS.rights, Literal(MIXED_RIGHTS, lang="en")))
    meta.add((dataset, VOID.sparqlEndpoint, minter.sparql()))
    meta.add((dataset, VOID.uriSpace, Literal(minter.base)))
    meta.add((dataset, VOID.vocabulary, URIRef(str(SCHEMA))))
    meta.add((dataset, VOID.vocabulary, URIRef(DLKG_NS)))
    meta.add((dataset, PROV.wasGeneratedBy, build))
    for cls, n in sorted(class_counts.items()):
        part = URIRef(f"{dataset}/class/{cls.rsplit('/', 1)[-1].rsplit('#', 1)[-1]}")
        meta.add((dataset, VOID.classPartition, part))
        meta.add((part, VOID["class"], URIRef(cls)))
        meta.add((part, VOID.entities, xsd_integer(n)))
    for source in sources:
        meta.add((dataset, DCTERMS.source, minter.source(source.spec.id)))
        meta.add((dataset, PROV.wasDerivedFrom, minter.source(source.spec.id)))
    for file_name in DUMP_FILES:
        dist = minter.download(file_name)
        meta.add((dataset, DCAT.distribution, dist))
        meta.add((dataset, VOID.dataDump, dist))
        meta.add((dist, RDF.type, DCAT.Distribution))
        meta.add((dist, DCAT.downloadURL, dist))
        meta.add((dist, DCAT.mediaType, Literal(_media_type(file_name))))
        meta.add((dist, DCTERMS.rights, Literal(MIXED_RIGHTS, lang="en")))

    # Each named graph: what it was derived from, by which build, under which terms.
    by_source = {s.spec.id: s for s in sources}
    names = [str(g.identifier) for g in ds.graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID]
    own = {ENTITIES_GRAPH, META_GRAPH, BUILD_GRAPH, ONTOLOGY_GRAPH, "links"}  # links: issue 12
    for iri in sorted(names):
        name = iri[len(str(minter.graph(""))) :]
        graph = URIRef(iri)
        if name == BUILD_GRAPH:
            continue
        meta.add((dataset, VOID.subset, graph))
        meta.add((graph, RDF.type, VOID.Dataset))
        meta.add((graph, RDF.type, PROV.Entity))
        meta.add((graph, PROV.wasGeneratedBy, build))
        if name in by_source:
            spec = by_source[name].spec
            meta.add((graph, PROV.wasDerivedFrom, minter.source(name)))
            if spec.licence:
                meta.add((graph, DCTERMS.license, URIRef(spec.licence)))
            else:
                meta.add((graph, DCTERMS.rights, Literal(NO_LICENCE_RIGHTS, lang="en")))
        elif name in own:
            meta.add((graph, DCTERMS.license, OWN_LICENCE))
            if name == ENTITIES_GRAPH:
                for source in sources:
                    meta.add((graph, PROV.wasDerivedFrom, minter.source(source.spec.id)))
    # Counts last, so that they include the description itself.
    meta_iri = str(minter.graph(META_GRAPH))
    counts = {
        iri: n for iri, n in graph_counts(ds).items() if iri != str(minter.graph(BUILD_GRAPH))
    }
    own_count = counts.get(meta_iri, 0) + len(counts) + 1  # + one void:triples per graph + total
    counts[meta_iri] = own_count
    for iri, n in sorted(counts.items()):
        meta.add((URIRef(iri), VOID.triples, xsd_integer(n)))
    meta.add((dataset, VOID.triples, xsd_integer(sum(counts.values()))))


def describe_build(
    ds: Dataset,
    *,
    minter: IriMinter,
    sources: Iterable[FetchedSource],
    started: datetime,
    ended: datetime,
) -> None:
    """The build activity (build graph): the only triples that change with the clock.

    `ended` is when the data was generated and validated; loading and export follow it.
    """
    build = ds.graph(minter.graph(BUILD_GRAPH))
    activity = minter.build()
    dataset = minter.dataset()
    build.add((activity, RDF.type, PROV.Activity))
    build.add((activity, PROV.startedAtTime, Literal(started.isoformat(), datatype=XSD.dateTime)))
    build.add((activity, PROV.endedAtTime, Literal(ended.isoformat(), datatype=XSD.dateTime)))
    build.add((activity, PROV.generated, dataset))
    build.add((dataset, DCTERMS.modified, Literal(ended.isoformat(), datatype=XSD.dateTime)))
    for source in sources:
        build.add((activity, PROV.used, minter.source(source.spec.id)))


def _media_type(file_name: str) -> str:
    fmt = by_extension(file_name, DUMP_FORMATS)
    assert fmt is not None, file_name
    return fmt.media_type
