"""Which data each shape reads about a focus node: what makes sharded validation sound.

`sharded.py` validates the data in shards: every subject belongs to one shard, and a shard's
file holds its members' statements plus the *closure* the shapes read about them. A result is
kept from the shard its focus node belongs to. That gives the whole-graph result exactly when,
for every member, the shard holds every statement the evaluation of its shapes reads (extra
statements are harmless: they are true in the whole graph too). `plan()` works out that
closure from the shapes:

- core property shapes with a predicate path read the focus's outgoing statements (in the
  shard), with `[sh:inversePath p]` its incoming `p` statements (`inverse`); `sh:class` reads
  the `rdf:type` of each value node (`follow`) and `rdfs:subClassOf` (copied into every shard);
  value-only constraints (`sh:datatype`, `sh:pattern`, ...) and `sh:qualifiedValueShape` /
  `sh:node` to value-only shapes read nothing else;
- SPARQL-based shapes are declared below, one entry each, with the statements their queries
  read (`LOCAL`), or as global (`GLOBAL`): uniqueness across the graph, checked on a projection
  of the candidates only (statements with a key value shared by two subjects, and the types of
  those subjects);
- anything else (other paths, `sh:qualifiedValueShapesDisjoint`, a SPARQL shape not declared
  here, a nested shape with its own paths) makes the plan `unsupported`, and the caller
  validates the whole graph at once instead: never a wrong report, at worst a slow one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..namespaces import BIBO, DLKG, OWL, RDF, RDFS, SCHEMA, SH

__all__ = [
    "GLOBAL",
    "LOCAL",
    "GlobalKey",
    "Needs",
    "Plan",
    "declared_shapes",
    "nt",
    "plan",
    "shadow",
]

_DLKGSH = "https://w3id.org/dlkg/shapes#"
# A node another shard's shapes read is sent there with its types renamed (`shadow`), so it
# is no target of that shard's class-targeted shapes (its results would be thrown away, and
# they cost the engine more than the shard's own); `sh:class C` is checked as
# `sh:class shadow(C)`, with every shard told `X rdfs:subClassOf shadow(X)` and the ontology's
# hierarchy mirrored between the shadows, so each value has the shadow class exactly when it
# has the class.
_SHADOW = "urn:dlkg:validate:class:"


@dataclass(frozen=True)
class Needs:
    """What a SPARQL-based shape reads about its focus node besides its outgoing statements."""

    follow: Mapping[URIRef, frozenset[URIRef]] = field(default_factory=dict)  # p -> of objects
    inverse: frozenset[URIRef] = frozenset()  # incoming statements of these predicates
    inverse_follow: Mapping[URIRef, frozenset[URIRef]] = field(default_factory=dict)
    chain: Mapping[URIRef, frozenset[URIRef]] = field(default_factory=dict)  # one more hop
    # the incoming statements are needed only for a focus node with a statement of this
    # predicate (the target requires one): they are then routed after the first pass
    when: URIRef | None = None


@dataclass(frozen=True)
class GlobalKey:
    """A uniqueness shape: results only where two subjects share a value of `keys` (compared
    by lower-cased lexical form: an over-approximation of term and LCASE(STR()) equality);
    `subject_facts` of those subjects are what its queries read besides."""

    keys: frozenset[URIRef]
    subject_facts: frozenset[URIRef] = frozenset()


def _s(*terms: URIRef) -> frozenset[URIRef]:
    return frozenset(terms)


LOCAL: dict[URIRef, Needs] = {
    URIRef(_DLKGSH + name): needs
    for name, needs in {
        "ChineseTitleAttachedShape": Needs(
            follow={SCHEMA.item: _s(SCHEMA.name, SCHEMA.alternateName)}
        ),
        "ItemListContiguousPositionsShape": Needs(
            follow={SCHEMA.itemListElement: _s(SCHEMA.position)}
        ),
        "ItemListNumberOfItemsShape": Needs(),
        "ItemListUniquePositionShape": Needs(follow={SCHEMA.itemListElement: _s(SCHEMA.position)}),
        "NewPapersYearShape": Needs(),
        "OldPapersYearShape": Needs(),
        "Top100YearShape": Needs(follow={DLKG.section: _s(DLKG.top100)}),
        "PaperAuthorAssertedShape": Needs(follow={DLKG.authorship: _s(DLKG.person)}),
        "PaperAuthorPositionGapShape": Needs(follow={DLKG.authorship: _s(SCHEMA.position)}),
        "PaperAuthorPositionUniqueShape": Needs(follow={DLKG.authorship: _s(SCHEMA.position)}),
        "PaperDoiRoleShape": Needs(),
        # target: ?section top100 true . ?item section ?section ; schema:item $this
        "CitationBarShape": Needs(
            follow={DLKG.citations: _s(RDF.value)},
            inverse=_s(SCHEMA.item),
            inverse_follow={SCHEMA.item: _s(DLKG.section)},
            chain={DLKG.section: _s(DLKG.top100)},
            when=DLKG.citations,
        ),
    }.items()
}

GLOBAL: dict[URIRef, GlobalKey] = {
    URIRef(_DLKGSH + "PaperSharedArxivIdShape"): GlobalKey(_s(DLKG.arxivId)),
    URIRef(_DLKGSH + "PaperSharedDoiShape"): GlobalKey(_s(BIBO.doi)),
    URIRef(_DLKGSH + "PaperSharedChineseTitleShape"): GlobalKey(_s(SCHEMA.name), _s(RDF.type)),
    URIRef(_DLKGSH + "PersonSharedNameShape"): GlobalKey(
        _s(SCHEMA.name), _s(RDF.type, OWL.differentFrom)
    ),
}

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# constraints that read only the value nodes themselves (or the focus's own statements)
_VALUE_ONLY = {
    SH[n]
    for n in [
        "datatype",
        "nodeKind",
        "pattern",
        "flags",
        "in",
        "languageIn",
        "uniqueLang",
        "minInclusive",
        "maxInclusive",
        "minExclusive",
        "maxExclusive",
        "minLength",
        "maxLength",
        "hasValue",
        "minCount",
        "maxCount",
        "closed",
        "ignoredProperties",
        "equals",
        "disjoint",
        "lessThan",
        "lessThanOrEquals",
        "qualifiedMinCount",
        "qualifiedMaxCount",
        "severity",
        "message",
        "deactivated",
        "name",
        "description",
        "order",
        "group",
        "defaultValue",
        "path",
        "targetClass",
        "targetNode",
        "targetSubjectsOf",
        "targetObjectsOf",
    ]
}
_NESTED = (SH.node, SH.qualifiedValueShape, SH["not"], SH["and"], SH["or"], SH.xone)


def shadow(iri: str) -> str:
    """The class standing for `iri` in other shards' type statements (see `_SHADOW`)."""
    return _SHADOW + iri


def nt(term: URIRef) -> bytes:
    """A predicate as it is written in N-Quads."""
    return f"<{term}>".encode()


@dataclass(frozen=True)
class Plan:
    """Where each shape is checked and which statements a shard needs (predicates as bytes)."""

    local: frozenset[URIRef | BNode]
    global_shapes: Mapping[URIRef, GlobalKey]
    inverse: frozenset[bytes]  # incoming statements copied to the object's shard
    follow: frozenset[bytes]  # outgoing references whose objects' facts the shard needs
    inverse_follow: frozenset[bytes]  # incoming references whose subjects' facts it needs
    guarded: Mapping[bytes, bytes]  # incoming statements needed only when the object has one
    facts: frozenset[bytes]  # the statements sent along a reference
    chain: frozenset[bytes]  # facts whose objects' facts are needed too
    classes: frozenset[URIRef]  # the values of sh:class (checked as their shadows)
    unsupported: tuple[str, ...]  # why the data cannot be sharded for these shapes

    @property
    def global_keys(self) -> frozenset[bytes]:
        return frozenset(nt(k) for g in self.global_shapes.values() for k in g.keys)

    @property
    def subject_facts(self) -> frozenset[bytes]:
        return frozenset(nt(k) for g in self.global_shapes.values() for k in g.subject_facts)


def plan(shapes: Graph) -> Plan:
    """The plan for the (hoisted) `shapes`: every active shape placed, or `unsupported`."""
    local: set[URIRef | BNode] = set()
    global_shapes: dict[URIRef, GlobalKey] = {}
    inverse: set[URIRef] = set()
    follow: set[URIRef] = set()
    inverse_follow: set[URIRef] = set()
    guarded: dict[URIRef, set[URIRef]] = {}
    facts: set[URIRef] = {RDF.type}
    chain: set[URIRef] = set()
    classes: set[URIRef] = set()
    unsupported: list[str] = []
    for shape in sorted(declared_shapes(shapes), key=str):
        if _deactivated(shapes, shape) or not isinstance(shape, URIRef | BNode):
            continue
        if isinstance(shape, URIRef) and shape in GLOBAL:
            global_shapes[shape] = GLOBAL[shape]
            continue
        sparql = any(shapes.objects(shape, SH.sparql)) or any(shapes.objects(shape, SH.target))
        needs_of = LOCAL.get(shape) if isinstance(shape, URIRef) else None
        if sparql and needs_of is None:
            unsupported.append(f"{shape}: a SPARQL-based shape not declared in locality.py")
            continue
        if needs_of is not None:
            needs = needs_of
            follow |= set(needs.follow)
            if needs.when is None:
                inverse |= needs.inverse
            else:
                for predicate in needs.inverse:
                    guarded.setdefault(predicate, set()).add(needs.when)
            inverse_follow |= set(needs.inverse_follow)
            chain |= set(needs.chain)
            for more in (
                *needs.follow.values(),
                *needs.inverse_follow.values(),
                *needs.chain.values(),
            ):
                facts |= more
        problem = _core_needs(shapes, shape, inverse, follow, inverse_follow)
        for value in shapes.objects(shape, SH["class"]):
            if not isinstance(value, URIRef):
                problem = problem or "sh:class of a blank node"
            elif shapes.value(shape, SH.message) is None:
                problem = problem or "sh:class without sh:message (its message names the class)"
            else:
                classes.add(value)
        if problem:
            unsupported.append(f"{shape}: {problem}")
        local.add(shape)
    for key in global_shapes.values():
        facts |= key.subject_facts  # read from the shards' fact files for the candidates
    return Plan(
        local=frozenset(local),
        global_shapes=global_shapes,
        inverse=frozenset(nt(p) for p in inverse | {p for p, g in guarded.items() if len(g) > 1}),
        follow=frozenset(nt(p) for p in follow),
        inverse_follow=frozenset(nt(p) for p in inverse_follow),
        # a guard for one shape only: two shapes with different guards need the statements
        # unguarded (routed in the first pass)
        guarded={
            nt(p): nt(next(iter(g))) for p, g in guarded.items() if p not in inverse and len(g) == 1
        },
        facts=frozenset(nt(p) for p in facts),
        chain=frozenset(nt(p) for p in chain),
        classes=frozenset(classes),
        unsupported=tuple(unsupported),
    )


def declared_shapes(shapes: Graph) -> set[Node]:
    """Every shape of `shapes`: typed as one, or with a target or a SPARQL constraint."""
    declared: set[Node] = set(shapes.subjects(RDF.type, SH.NodeShape))
    declared |= set(shapes.subjects(RDF.type, SH.PropertyShape))
    for predicate in (*_TARGETS, SH.sparql, SH.target):
        declared |= set(shapes.subjects(predicate))
    return declared


def _deactivated(shapes: Graph, shape: Node) -> bool:
    return any(str(v).lower() == "true" for v in shapes.objects(shape, SH.deactivated))


def _core_needs(
    shapes: Graph,
    shape: Node,
    inverse: set[URIRef],
    follow: set[URIRef],
    inverse_follow: set[URIRef],
) -> str | None:
    """Add what the core constraints of `shape` read; a reason when they cannot be sharded."""
    for predicate in set(shapes.predicates(shape)):
        if predicate in (RDF.type, RDFS.label, RDFS.comment, SH.sparql, SH.target, SH["class"]):
            continue
        if predicate in _NESTED:
            for nested in shapes.objects(shape, predicate):
                if not _value_only(shapes, nested):
                    return f"{predicate} to a shape that reads more than its value node"
            continue
        if str(predicate).startswith(str(SH)) and predicate not in _VALUE_ONLY:
            return f"{predicate} is not handled by sharding"
    if any(shapes.objects(shape, SH.targetObjectsOf)):
        return "sh:targetObjectsOf (its literal focus nodes belong to no shard)"
    if any(isinstance(n, Literal) for n in shapes.objects(shape, SH.targetNode)):
        return "a literal sh:targetNode (it belongs to no shard)"
    path = shapes.value(shape, SH.path)
    has_class = shapes.value(shape, SH["class"]) is not None
    if path is None or isinstance(path, URIRef):
        if has_class and isinstance(path, URIRef):
            follow.add(path)
        return None
    inverted = shapes.value(path, SH.inversePath)
    if isinstance(inverted, URIRef) and len(set(shapes.predicate_objects(path))) == 1:
        inverse.add(inverted)
        if has_class:
            inverse_follow.add(inverted)
        return None
    return "a path other than a predicate or its inverse"


def _value_only(shapes: Graph, nested: Node) -> bool:
    """A nested shape (sh:node, sh:qualifiedValueShape...) that reads only its value node."""
    if isinstance(nested, BNode) and (nested, RDF.first, None) in shapes:
        return all(_value_only(shapes, m) for m in shapes.items(nested))
    for predicate in shapes.predicates(nested):
        if predicate in (RDF.type, RDFS.label, RDFS.comment):
            continue
        if predicate in _NESTED:
            if not all(_value_only(shapes, n) for n in shapes.objects(nested, predicate)):
                return False
            continue
        if predicate == SH.path or predicate not in _VALUE_ONLY:
            return False
    return True
