"""Split an N-Quads file into shard files for validation, in passes of bounded memory.

`locality.py` says what a shard must hold; this module writes it, reading the file once and
then only the (smaller) files it wrote, with nothing the size of the data in memory:

1. one pass over the file: each statement goes to its subject's shard (`shard_of`); an incoming
   statement a shape reads ([sh:inversePath p]) also to its object's shard; `rdfs:subClassOf`
   to every shard; the *facts* (statements some shape reads about a referenced node: its types,
   positions, names...) also to a fact file of the subject's shard; each reference whose
   object's facts another shard needs becomes a request "<node> <shard>" in the request file of
   the node's shard. Values of the global shapes' keys are counted (a 64-bit hash per key);
2. per shard j: its requests are loaded (bounded by the shard's size) and its fact file scanned,
   each requested fact appended to the requesting shard; the candidates of the global shapes
   (subjects of a key value two subjects share) get their statements of the keys and their
   subject facts written to a projection file;
3. only when a shape follows one more hop (`chain`), the same again for the second requests.

Memory: the per-shard buffers (flushed every `_FLUSH_LINES` statements), one shard's requests,
the key counts of the global shapes (one int per distinct key value) and the candidates.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..namespaces import RDF, RDFS
from .locality import Plan, nt, shadow

__all__ = ["BlankNodesError", "Partition", "partition", "shard_of"]

_FLUSH_LINES = 200_000
_SUBCLASS = nt(RDFS.subClassOf)
_TYPE = nt(RDF.type)
# the roles of a predicate in the first pass, as bits (`_roles`)
_FACT, _BROADCAST, _GUARDED, _GUARD, _KEY, _INVERSE, _FOLLOW, _INVERSE_FOLLOW = (
    1 << bit for bit in range(8)
)
_ROUTED = _INVERSE | _FOLLOW | _INVERSE_FOLLOW
_CACHED = 100_000  # objects whose shard is remembered
_SHARED = -1  # a key value held by two subjects (Python's hash() never returns -1)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})|\\(.)")
_CHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


class BlankNodesError(Exception):
    """The file has blank nodes: the engine relabels them in its results (`_:abc` comes back
    as `_:0_b1`), so a result could not be given to the shard of its focus node."""


@dataclass(frozen=True)
class Partition:
    shards: list[Path]  # shard k's statements, closure included
    candidates: Path | None  # what the global shapes read about their candidates, if any
    lines: int  # lines of the input (statements, and any blank line or comment)


def shard_of(node: bytes, count: int) -> int:
    """The shard of a node written as in N-Quads (`<iri>`, `_:b`).

    A node numbered under another (`<…/paper/x/author/1>`, `<…/item/y/link/2>`) goes with its
    parent, so most references stay inside one shard and fewer facts are copied; soundness
    does not depend on it. Escapes are decoded first, so the engine's writing of a node (in a
    result) and the file's give the same shard.
    """
    if b"\\" in node:
        node = _unescape(node)
    if node[-2:-1].isdigit():
        head, _, tail = node[:-1].rpartition(b"/")
        if tail.isdigit():
            parent, slash, _word = head.rpartition(b"/")
            if slash and parent.count(b"/") >= 3:
                node = parent + b">"
    return zlib.crc32(node) % count


def _unescape(text: bytes) -> bytes:
    def one(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        return chr(int(code, 16)) if code else _CHARS.get(match.group(3), match.group(0))

    return _ESCAPE.sub(one, text.decode("utf-8")).encode("utf-8")


def _key(predicate: bytes, rest: bytes) -> int:
    """A global shape's key of an object: its lexical form (or IRI) in lower case, so equal
    terms, and equal LCASE(STR()), always get the same key (others may too: harmless)."""
    quoted = rest[:1] == b'"'
    text = rest[1 : rest.rfind(b'"')] if quoted else rest[: rest.index(b" ")].strip(b"<>")
    if b"\\" in text:
        text = _unescape(text)
    return hash((predicate, text.lower()))


class _Files:
    """Per-shard line buffers appended to `folder/<prefix>-<k>` when flushed."""

    def __init__(self, folder: Path, prefix: str, count: int) -> None:
        self.paths = [folder / f"{prefix}-{k}.nq" for k in range(count)]
        self.buffers: list[list[bytes]] = [[] for _ in range(count)]

    def flush(self) -> None:
        for path, buffer in zip(self.paths, self.buffers, strict=True):
            if buffer:
                with path.open("ab") as handle:
                    handle.write(b"".join(buffer))  # one write: writelines is per line
                buffer.clear()

    def lines(self, k: int) -> list[bytes]:
        if not self.paths[k].exists():
            return []
        with self.paths[k].open("rb") as handle:
            return handle.readlines()


def partition(path: Path, plan: Plan, count: int, folder: Path) -> Partition:
    """Write the `count` shard files of the N-Quads file at `path` into `folder`."""
    data = _Files(folder, "shard", count)
    facts = _Files(folder, "facts", count)
    requests = _Files(folder, "requests", count)
    key_file = _Files(folder, "keys", 1)
    guarded = _Files(folder, "guarded", 1)
    keys: dict[int, int] = {}
    guards: dict[bytes, set[bytes]] = {g: set() for g in plan.guarded.values()}
    broadcast: list[bytes] = []
    files = (data, facts, requests, key_file, guarded)
    lines = _first_pass(path, plan, count, files, keys, guards, broadcast)
    _route_guarded(guarded.paths[0], plan, count, guards, data, requests)
    del guards
    candidates, projection = _candidates(key_file.paths[0], keys)
    del keys
    chained = _Files(folder, "chained", count)
    _answer(plan, count, facts, requests, data, chained, candidates, projection)
    if any(p.exists() for p in chained.paths):
        _answer(plan, count, facts, chained, data, None, set(), [])
    for done in (facts, requests, chained, key_file, guarded):  # only the shards are read now
        for used in done.paths:
            used.unlink(missing_ok=True)
    broadcast.extend(_shadow_hierarchy(broadcast, plan))
    for buffer in data.buffers:
        buffer.extend(broadcast)  # every shard, even an empty one (sh:targetNode)
    data.flush()
    global_file = None
    if projection:
        global_file = folder / "candidates.nq"
        global_file.write_bytes(b"".join(projection))
    return Partition(data.paths, global_file, lines)


def _first_pass(
    path: Path,
    plan: Plan,
    count: int,
    files: tuple[_Files, _Files, _Files, _Files, _Files],
    keys: dict[int, int],
    guards: dict[bytes, set[bytes]],
    broadcast: list[bytes],
) -> int:
    data, facts, requests, (key_lines,), (guarded_lines,) = (f.buffers for f in files)
    roles = _roles(plan, guards)
    last, k, lines, flush_at = b"", 0, 0, _FLUSH_LINES
    shards: dict[bytes, int] = {}  # of the objects seen lately (persons, sections, lists...)
    with path.open("rb", buffering=1 << 20) as handle:
        for line in handle:
            lines += 1  # counted as the one-run path counts: every line
            if line[:1] != b"<" or b" _:" in line:  # " _:" may be in a literal: then too
                if line[:1] == b"_" or b" _:" in line:
                    raise BlankNodesError(f"{path}:{lines}")
                continue  # a blank line or a comment
            subject, predicate, rest = line.split(b" ", 2)
            if subject != last:
                last, k = subject, shard_of(subject, count)
            data[k].append(line)
            role = roles.get(predicate, 0)
            if role & _FACT:
                facts[k].append(line)
            if role > _FACT:
                if role & _BROADCAST:
                    broadcast.append(line)
                if role & _GUARDED:
                    guarded_lines.append(line)
                if role & _GUARD:
                    guards[predicate].add(subject)
                if role & _KEY:
                    key, who = _key(predicate, rest), hash(subject)
                    seen = keys.setdefault(key, who)
                    if seen != who:
                        keys[key] = _SHARED
                    key_lines.append(line)
                if role & _ROUTED and rest[:1] in (b"<", b"_"):
                    node = rest[: rest.index(b" ")]
                    other = shards.get(node, -1)
                    if other < 0:
                        if len(shards) > _CACHED:
                            shards.clear()
                        other = shards[node] = shard_of(node, count)
                    if other != k:
                        if role & _INVERSE:
                            data[other].append(line)
                        if role & _FOLLOW:
                            requests[other].append(b"%s %d\n" % (node, k))
                        if role & _INVERSE_FOLLOW:  # "+": its facts' chain too
                            requests[k].append(b"%s %d+\n" % (subject, other))
            if lines >= flush_at:
                flush_at += _FLUSH_LINES
                for buffers in files:
                    buffers.flush()
    for buffers in files:
        buffers.flush()
    return lines


def _roles(plan: Plan, guards: dict[bytes, set[bytes]]) -> dict[bytes, int]:
    """Each predicate's roles in the first pass as bits: one dict lookup per statement."""
    roles: dict[bytes, int] = defaultdict(int)
    inverse_follow = plan.inverse_follow - set(plan.guarded)  # the guarded ones come later
    for role, predicates in (
        (_FACT, plan.facts),
        (_BROADCAST, {_SUBCLASS}),
        (_GUARDED, set(plan.guarded)),
        (_GUARD, set(guards)),
        (_KEY, plan.global_keys),
        (_INVERSE, plan.inverse),
        (_FOLLOW, plan.follow),
        (_INVERSE_FOLLOW, inverse_follow),
    ):
        for predicate in predicates:
            roles[predicate] |= role
    return dict(roles)


def _route_guarded(
    path: Path,
    plan: Plan,
    count: int,
    guards: dict[bytes, set[bytes]],
    data: _Files,
    requests: _Files,
) -> None:
    """The incoming statements a shape needs only for objects with a guard statement (see
    `Needs.when`), now that the first pass has found those objects."""
    if not path.exists():
        return
    with path.open("rb") as handle:
        for line in handle:
            subject, predicate, rest = line.split(b" ", 2)
            node = rest[: rest.index(b" ")]
            if node not in guards[plan.guarded[predicate]]:
                continue
            here, there = shard_of(subject, count), shard_of(node, count)
            if here != there:
                data.buffers[there].append(line)
                if predicate in plan.inverse_follow:
                    requests.buffers[here].append(b"%s %d+\n" % (subject, there))
    data.flush()
    requests.flush()


def _candidates(key_file: Path, keys: dict[int, int]) -> tuple[set[bytes], list[bytes]]:
    """The statements of shared key values, and their subjects (the global candidates)."""
    candidates: set[bytes] = set()
    projection: list[bytes] = []
    if not key_file.exists():
        return candidates, projection
    with key_file.open("rb") as handle:
        for line in handle:
            subject, predicate, rest = line.split(b" ", 2)
            if keys[_key(predicate, rest)] == _SHARED:
                projection.append(line)
                candidates.add(subject)
    return candidates, projection


def _shadowed(node: bytes) -> bytes:
    return b"<%s>" % shadow(node[1:-1].decode("utf-8")).encode("utf-8")


def _shadow_hierarchy(axioms: list[bytes], plan: Plan) -> list[bytes]:
    """`X rdfs:subClassOf shadow(X)` for every class of `axioms` and of the shapes' sh:class,
    and each axiom between the shadows (see locality.py)."""
    classes = {nt(c) for c in plan.classes}
    lines = []
    for axiom in axioms:
        sub, _p, rest = axiom.split(b" ", 2)
        sup = rest[: rest.index(b" ")]
        if sub[:1] == b"<" and sup[:1] == b"<":
            classes |= {sub, sup}
            lines.append(b"%s %s %s .\n" % (_shadowed(sub), _SUBCLASS, _shadowed(sup)))
    lines += [b"%s %s %s .\n" % (c, _SUBCLASS, _shadowed(c)) for c in sorted(classes)]
    return lines


def _as_fact(line: bytes) -> bytes:
    """A statement sent to another shard: a type statement names the shadow class."""
    subject, predicate, rest = line.split(b" ", 2)
    if predicate != _TYPE or rest[:1] != b"<":
        return line
    end = rest.index(b" ")
    return b"%s %s %s%s" % (subject, predicate, _shadowed(rest[:end]), rest[end:])


def _answer(
    plan: Plan,
    count: int,
    facts: _Files,
    requests: _Files,
    data: _Files,
    chained: _Files | None,
    candidates: set[bytes],
    projection: list[bytes],
) -> None:
    """Per shard: send each requested fact to the shards that asked for it."""
    subject_facts = plan.subject_facts
    for j in range(count):
        needed: dict[bytes, set[int]] = defaultdict(set)
        chaining: set[tuple[bytes, int]] = set()  # requests whose facts' objects are needed
        for request in requests.lines(j):
            node, _, shard = request.rpartition(b" ")
            needed[node].add(int(shard.rstrip(b"+\n")))
            if shard.endswith(b"+\n"):
                chaining.add((node, int(shard[:-2])))
        if not needed and not candidates:
            continue
        for line in facts.lines(j):
            subject = line[: line.index(b" ")]
            if subject in candidates and line.split(b" ", 2)[1] in subject_facts:
                projection.append(line)
            for k in needed.get(subject, ()):
                data.buffers[k].append(_as_fact(line))
                _, predicate, rest = line.split(b" ", 2)
                if (
                    chained is not None
                    and predicate in plan.chain
                    and (subject, k) in chaining
                    and rest[:1] in (b"<", b"_")
                ):
                    node = rest[: rest.index(b" ")]
                    other = shard_of(node, count)
                    if other != k:
                        chained.buffers[other].append(b"%s %d\n" % (node, k))
        data.flush()
        if chained is not None:
            chained.flush()
