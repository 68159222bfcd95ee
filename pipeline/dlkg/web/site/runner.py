"""Query evaluation in a worker: the guard, the engine, the row cap, serialized bytes out.

`LocalRunner` is both the SPARQL endpoint's `Evaluator` and the `QueryRunner` every page
handler gets, so a page's lookup passes the same guard and cap as a client's query. Timeouts
are not its business: the process running it is killed when a request overruns.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from ... import formats
from ...errors import GuardError, ProtocolError, RunnerError
from ...prefixes import PREDEFINED, PREFIXES
from ...sparql_syntax import explain
from ..guard import GuardLimits, QueryShape, cap_rows, inspect_query
from .sparql import Evaluated, ProtocolQuery, choose_format

_TSV = ox.QueryResultsFormat.TSV
_COMPACT_JSON = b'{"head":{"vars":['
_NT = ox.RdfFormat.N_TRIPLES


@dataclass(frozen=True)
class RunnerSettings:
    """How queries are bounded and which dataset they see."""

    base_iri: str
    max_rows: int = 10_000
    limits: GuardLimits = field(default_factory=GuardLimits)
    allowed_services: tuple[str, ...] = ()


def rows_at_most(body: bytes, fmt: formats.Format) -> int:
    """An upper bound on the rows of a results body the engine wrote (a huge number where
    none is known), found without parsing it: counting them exactly costs a large answer
    as much again as the query (a GROUP BY of 4k rows: 30 ms of its 60).

    The engine writes JSON without whitespace, so two rows are always separated by `},{`
    (a literal may contain it too: that only raises the bound); in XML every row starts
    with `<result>`, and a literal's `<` is escaped."""
    if fmt is formats.JSON and body.startswith(_COMPACT_JSON):
        return body.count(b"},{") + 1
    if fmt is formats.XML:
        return body.count(b"<result>")
    return 1 << 62


class LocalRunner:
    """Evaluates queries on an open store: guard first, then the engine, bytes out.

    Implements `http.QueryRunner` and `sparql.Evaluator`.
    """

    def __init__(self, store: ox.Store, settings: RunnerSettings) -> None:
        self.store = store
        self.settings = settings

    def evaluate(self, query: ProtocolQuery) -> Evaluated:
        """Run a protocol query; raise ProtocolError with the status and a one-line reason."""
        cfg = self.settings
        shape = self.guard(query.text)
        options = {
            "base_iri": cfg.base_iri + "sparql",
            **self._dataset(query, has_from=shape.has_dataset),
        }
        if shape.predefined:  # only those it uses: the engine converts each one it is given
            options["prefixes"] = {name: PREDEFINED[name] for name in shape.predefined}
        try:
            result = self.store.query(cap_rows(query.text, shape, cfg.max_rows), **options)  # type: ignore[arg-type]
        except SyntaxError:
            raise self._syntax_error(query.text, options) from None
        except (OSError, RuntimeError, ValueError):
            # Engine text may quote remote bodies or internals, and its class tells a closed
            # port from an open one: never pass either on.
            raise ProtocolError(500, "query evaluation failed") from None
        kind = "graph" if isinstance(result, ox.QueryTriples) else "results"
        fmt = choose_format(kind, query.format, query.accept)
        try:
            if isinstance(result, ox.QueryTriples):
                return self._graph(result, fmt)
            if isinstance(result, ox.QueryBoolean):
                body = result.serialize(format=fmt.results) or b""
                return Evaluated(body, fmt.content_type)
            return self._solutions(result, fmt)
        except (OSError, RuntimeError, ValueError):
            raise ProtocolError(500, "query evaluation failed") from None

    def guard(self, text: str) -> QueryShape:
        """The guard's verdict on a query: its shape, or ProtocolError 403 (SERVICE) / 400."""
        cfg = self.settings
        try:
            return inspect_query(text, cfg.limits, cfg.allowed_services)
        except GuardError as refusal:
            status = 403 if refusal.kind == "service" else 400
            raise ProtocolError(status, refusal.message) from None

    def _syntax_error(self, text: str, options: dict[str, object]) -> ProtocolError:
        """One readable line for the user's own text (line and column), not the capped one;
        the parser's full message goes in `detail` for clients that accept JSON."""
        try:
            self.store.query(text, **options)  # type: ignore[arg-type]
        except SyntaxError as err:
            problem = explain(str(err), text)
            return ProtocolError(400, f"malformed query: {problem.message}", problem.as_json())
        except (OSError, RuntimeError, ValueError):
            pass
        return ProtocolError(
            400, f"cannot bound this query's rows; add LIMIT {self.settings.max_rows}"
        )

    def _dataset(self, query: ProtocolQuery, *, has_from: bool) -> dict[str, object]:
        if not query.default_graphs and not query.named_graphs:
            # The served dataset: default graph = union of the named graphs, unless FROM says.
            return {} if has_from else {"use_default_graph_as_union": True}
        try:
            return {
                "default_graph": [ox.NamedNode(g) for g in query.default_graphs],
                "named_graphs": [ox.NamedNode(g) for g in query.named_graphs],
            }
        except ValueError:
            raise ProtocolError(400, "default-graph-uri and named-graph-uri must be IRIs") from None

    def _solutions(self, result: ox.QuerySolutions, fmt: formats.Format) -> Evaluated:
        max_rows = self.settings.max_rows
        if fmt in (formats.JSON, formats.XML):
            # Every row takes at least 2 bytes, so a short body cannot hold max_rows + 1 rows:
            # the common small answer goes out exactly as the engine wrote it.
            body = result.serialize(format=fmt.results) or b""
            if len(body) < 2 * (max_rows + 1) or rows_at_most(body, fmt) <= max_rows:
                return Evaluated(body, fmt.content_type)
            tsv = ox.parse_query_results(body, fmt.results).serialize(format=_TSV)
        else:
            body, tsv = b"", result.serialize(format=_TSV)
        # TSV has one row per line, so counting and cutting are exact; other formats are
        # re-serialized from it by the engine (no Python object per row).
        tsv = tsv or b""
        truncated = tsv.count(b"\n") - 1 > max_rows
        if truncated:
            tsv = tsv[: _nth_newline(tsv, max_rows + 1) + 1]
        if fmt is formats.TSV:
            body = tsv
        elif truncated or not body:
            parsed = ox.parse_query_results(tsv, _TSV)
            body = parsed.serialize(format=fmt.results) or b""
        if truncated and fmt is formats.JSON:
            body = body.rstrip()[:-1] + b',"truncated":true}'  # visible in the body too
        return Evaluated(body, fmt.content_type, truncated, max_rows)

    def _graph(self, result: ox.QueryTriples, fmt: formats.Format) -> Evaluated:
        return self._graph_nt(result.serialize(format=_NT) or b"", fmt)

    def _graph_nt(self, nt: bytes, fmt: formats.Format) -> Evaluated:
        """N-Triples cut at max_rows triples, in the chosen format."""
        max_rows = self.settings.max_rows
        truncated = nt.count(b"\n") > max_rows
        if truncated:
            nt = nt[: _nth_newline(nt, max_rows) + 1]
        if fmt is formats.N_TRIPLES:
            return Evaluated(nt, fmt.content_type, truncated, max_rows)
        triples = list(ox.parse(nt, _NT))
        if fmt.rdf == ox.RdfFormat.TURTLE:
            body = turtle_with_used_prefixes(triples)
        else:
            body = ox.serialize(triples, format=fmt.rdf, prefixes=PREFIXES) or b""
        return Evaluated(body, fmt.content_type, truncated, max_rows)

    def named_graphs(self) -> list[str]:
        """IRIs of the store's named graphs."""
        return [g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)]

    # http.QueryRunner
    def select(self, query: str) -> dict[str, object]:
        """SPARQL JSON results of a SELECT/ASK as a dict (`"truncated": true` when cut)."""
        result = self._run(ProtocolQuery(query, format="json"), "SELECT or ASK")
        parsed: dict[str, object] = json.loads(result.body)
        return parsed

    def graph(self, query: str, media_type: str) -> bytes:
        """Serialized RDF of a CONSTRUCT/DESCRIBE in `media_type`."""
        return self._run(ProtocolQuery(query, format=media_type), "CONSTRUCT or DESCRIBE").body

    def _run(self, query: ProtocolQuery, expected: str) -> Evaluated:
        try:
            return self.evaluate(query)
        except ProtocolError as failed:
            message = failed.message
            if failed.status == 406:
                message = f"not a {expected} query: {failed.message}"
            raise RunnerError(failed.status, message) from None


# What is left of a Turtle document once its prefix lines, IRIs and strings are cut out:
# only there can `name:` be a prefixed name.
_NOT_NAMES = re.compile(r'^@prefix [^\n]*\n|<[^>\n]*>|"(?:[^"\\\n]|\\.)*"', re.MULTILINE)
_PREFIXED = re.compile(r"(?<![\w.:#/-])([A-Za-z][\w.-]*):")


def turtle_with_used_prefixes(
    triples: list[ox.Triple], prefixes: dict[str, str] = PREFIXES
) -> bytes:
    """Turtle that declares only the prefixes it uses.

    Which IRIs the serializer abbreviates (not `rdf:type`, which is `a`, nor `xsd:integer`, a
    bare number; not a local name it cannot write) is its own business, so this asks it: one
    pass with every prefix, then, when some went unused, one more with only the used ones.
    """
    body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    names = set(_PREFIXED.findall(_NOT_NAMES.sub(" ", body.decode("utf-8"))))
    used = {name: ns for name, ns in prefixes.items() if name in names}
    if len(used) == len(prefixes):
        return body
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used) or b""


def _nth_newline(data: bytes, n: int) -> int:
    """Index of the n-th (1-based) newline in data."""
    at = -1
    for _ in range(n):
        at = data.index(b"\n", at + 1)
    return at
