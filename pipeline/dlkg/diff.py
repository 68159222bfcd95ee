"""`dlkg diff OLD NEW`: what changed between two builds.

OLD and NEW are each a build folder (its `current` run is read), a run folder (`runs/<id>`),
or an N-Triples dump. A run is read from its sorted N-Triples dump `dumps/dlkg.nt`, else from
its store. The comparison is by IRI, so a paper whose key stayed the same but whose title,
year or authors were corrected shows as *changed*, never as removed and added:

- papers (`schema:CreativeWork`: articles, books, courses, blogs): title, year, authors
  (person IRIs in authorship order), whether the author list is complete, links
  (`schema:url`, `schema:sameAs`), the type;
- persons (`schema:Person`): name;
- list items (`schema:ListItem`): the paper, the stars, the stated title, year and authors,
  the links as written.

`changes(old, new)` returns a JSON-ready dict; `format_text` renders it for people. The
build writes it as `changes.json` into the new run folder (against the previous `current`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import UsageError
from .namespaces import DLKG, RDF, SCHEMA
from .store import open_read_only

# Every paper node is a schema:CreativeWork (and a ScholarlyArticle, Book, Course, Blog...).
KINDS = {"papers": SCHEMA.CreativeWork, "persons": SCHEMA.Person, "items": SCHEMA.ListItem}
LABELS = {"papers": "papers", "persons": "persons", "items": "list items"}
DUMP = Path("dumps") / "dlkg.nt"
Facts = dict[str, Any]


def locate(path: Path) -> Path:
    """The N-Triples dump or store folder of a build folder, run folder or dump file."""
    if path.is_file():
        return path
    if (path / "current").is_dir():
        path = (path / "current").resolve()
    for candidate in (path / DUMP, path / "store"):
        if candidate.exists():
            return candidate
    raise UsageError(
        "not a build: expected a build folder, a run folder (dumps/dlkg.nt or store) or an "
        "N-Triples file",
        path=path,
    )


# a term as the diff reads it; an RDF-star triple (never in a dlkg build) by its text
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _triples(source: Path) -> Iterator[tuple[str, str, Term]]:
    if source.is_file():
        try:
            for t in ox.parse(path=str(source), format=ox.RdfFormat.N_TRIPLES):
                yield _value(t.subject), t.predicate.value, t.object
        except (SyntaxError, ValueError) as exc:
            raise UsageError(f"cannot read the dump: {exc}", path=source) from None
        return
    store = open_read_only(source)
    for q in store.quads_for_pattern(None, None, None, None):
        yield _value(q.subject), q.predicate.value, q.object


def _value(term: Term) -> str:
    return str(term) if isinstance(term, ox.Triple) else str(term.value)


def snapshot(path: Path) -> dict[str, dict[str, Facts]]:
    """The entities of one build and their facts, by kind ("papers", "persons", "items")."""
    props: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in _triples(locate(path)):
        if o not in props[s][p]:  # a store repeats a triple once per named graph holding it
            props[s][p].append(o)
    types = {kind: str(iri) for kind, iri in KINDS.items()}
    out: dict[str, dict[str, Facts]] = {kind: {} for kind in KINDS}
    for subject, ps in props.items():
        typed = {_value(o) for o in ps.get(str(RDF.type), [])}
        for kind, iri in types.items():
            if iri in typed:
                out[kind][subject] = _facts(kind, ps, props)
    return out


def _one(ps: dict[str, list[Any]], predicate: object, lang: str | None = None) -> str | None:
    values = sorted(
        _value(o)
        for o in ps.get(str(predicate), [])
        if lang is None or getattr(o, "language", None) in (lang, None)
    )
    return values[0] if values else None


def _ordered(
    nodes: Iterable[Any], props: dict[str, dict[str, list[Any]]], target: object
) -> list[str]:
    found = []
    for node in nodes:
        sub = props.get(_value(node), {})
        position = _one(sub, SCHEMA.position)
        found.append((int(position) if position else 0, _one(sub, target) or ""))
    return [value for _, value in sorted(found)]


def _facts(kind: str, ps: dict[str, list[Any]], props: dict[str, dict[str, list[Any]]]) -> Facts:
    if kind == "persons":
        return {"name": _one(ps, SCHEMA.name)}
    if kind == "items":
        return {
            "paper": _one(ps, SCHEMA.item),
            "stars": _one(ps, DLKG.stars),
            "title": _one(ps, DLKG.statedTitle),
            "year": _one(ps, DLKG.statedYear),
            "authors": _one(ps, DLKG.statedAuthors),
            "links": _ordered(ps.get(str(DLKG.link), []), props, SCHEMA.url),
        }
    links = {_value(o) for p in (SCHEMA.url, SCHEMA.sameAs) for o in ps.get(str(p), [])}
    return {
        "title": _one(ps, SCHEMA.name, lang="en"),
        "year": _one(ps, SCHEMA.datePublished),
        "authors": _ordered(ps.get(str(DLKG.authorship), []), props, DLKG.person),
        "authors_complete": _one(ps, DLKG.authorListComplete),
        "links": sorted(links),
        "type": sorted(
            _value(o) for o in ps.get(str(RDF.type), []) if _value(o) != str(SCHEMA.CreativeWork)
        ),
    }


def changes(old: Path, new: Path) -> dict[str, Any]:
    """What changed from build `old` to build `new` (JSON-ready)."""
    a, b = snapshot(old), snapshot(new)
    out: dict[str, Any] = {"old": str(old), "new": str(new), "summary": {}}
    for key in ("added", "removed", "changed"):
        out[key] = {kind: {} if key == "changed" else [] for kind in KINDS}
    for kind in KINDS:
        before, after = a[kind], b[kind]
        out["added"][kind] = [{"iri": s, **after[s]} for s in sorted(after.keys() - before.keys())]
        out["removed"][kind] = [
            {"iri": s, **before[s]} for s in sorted(before.keys() - after.keys())
        ]
        for s in sorted(before.keys() & after.keys()):
            facts = {
                f: {"old": before[s][f], "new": after[s][f]}
                for f in before[s]
                if before[s][f] != after[s][f]
            }
            if facts:
                out["changed"][kind][s] = facts
        out["summary"][kind] = {key: len(out[key][kind]) for key in ("added", "removed", "changed")}
    return out


def _short(value: Any, base: str) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_short(v, base) for v in value) + "]"
    text = str(value) if value is not None else "-"
    return text[len(base) :] if base and text.startswith(base) else text


def _label(facts: Facts) -> str:
    return str(facts.get("title") or facts.get("name") or "")


def format_text(diff: dict[str, Any], base: str = "") -> str:
    """The diff for people: a summary line per kind, then every added, removed and changed
    entity (IRIs relative to `base`), changed facts as `old -> new`."""
    lines = [f"{diff['old']} -> {diff['new']}"]
    for kind, counts in diff["summary"].items():
        lines.append(
            f"{LABELS[kind]}: +{counts['added']} -{counts['removed']} ~{counts['changed']}"
        )
    for kind in KINDS:
        for sign, key in (("+", "added"), ("-", "removed")):
            for e in diff[key][kind]:
                lines.append(f"{sign} {_short(e['iri'], base)}  {_label(e)}".rstrip())
        for iri, facts in diff["changed"][kind].items():
            lines.append(f"~ {_short(iri, base)}")
            for fact, values in facts.items():
                old, new = _short(values["old"], base), _short(values["new"], base)
                lines.append(f"    {fact}: {old} -> {new}")
    return "\n".join(lines) + "\n"


__all__ = ["changes", "format_text", "locate", "snapshot"]
