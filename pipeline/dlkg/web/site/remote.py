"""Query evaluation against an external SPARQL 1.1 endpoint (`dlkg serve --sparql-url`).

`RemoteRunner` is a `LocalRunner` whose engine is another store: the same guard runs before
anything is forwarded (SERVICE stays refused unless allowed, the same size limits), the same
LIMIT is added (`cap_rows`), and the answer is cut at `max_rows` and re-serialized by the same
code, so pages and clients see what they see over the embedded store. The store is asked for
SPARQL JSON results or N-Triples, within `timeout_s` and `max_bytes`. The dataset: with no
FROM / default-graph-uri, dlkg's queries expect the union of the named graphs as the default
graph, so the store must be configured that way (`oxigraph serve --union-default-graph`;
Virtuoso's default graph already is the union).
"""

from __future__ import annotations

import pyoxigraph as ox
import requests

from ...errors import ProtocolError
from ..guard import cap_rows
from .runner import LocalRunner, RunnerSettings
from .sparql import Evaluated, ProtocolQuery, choose_format

_JSON = "application/sparql-results+json"
_NT = "application/n-triples"
_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"


class RemoteRunner(LocalRunner):
    """`http.QueryRunner` and `sparql.Evaluator` over the SPARQL endpoint at `url`."""

    def __init__(
        self,
        url: str,
        settings: RunnerSettings,
        *,
        timeout_s: float = 10.0,
        max_bytes: int = 256 << 20,
        session: requests.Session | None = None,
    ) -> None:
        # An empty in-memory store parses queries for syntax messages; it holds no data.
        super().__init__(ox.Store(), settings)
        self.url = url
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self.session = session or requests.Session()

    def evaluate(self, query: ProtocolQuery) -> Evaluated:
        shape = self.guard(query.text)
        if shape.form is None:
            raise self._syntax_error(query.text, {})
        graph_form = shape.form in {"CONSTRUCT", "DESCRIBE"}
        # The format is chosen before asking, so an unacceptable Accept costs no remote query.
        fmt = choose_format("graph" if graph_form else "results", query.format, query.accept)
        form: dict[str, object] = {"query": cap_rows(query.text, shape, self.settings.max_rows)}
        if query.default_graphs:
            form["default-graph-uri"] = list(query.default_graphs)
        if query.named_graphs:
            form["named-graph-uri"] = list(query.named_graphs)
        body = self._post(form, _NT if graph_form else _JSON, query.text)
        try:
            if graph_form:
                return self._graph_nt(body, fmt)
            result = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            if isinstance(result, ox.QueryBoolean):
                return Evaluated(result.serialize(format=fmt.results) or b"", fmt.content_type)
            return self._solutions(result, fmt)
        except (OSError, RuntimeError, ValueError, SyntaxError) as err:
            raise ProtocolError(502, f"unreadable answer from the SPARQL store ({err})") from None

    def _post(self, form: dict[str, object], accept: str, text: str) -> bytes:
        """The store's answer body; ProtocolError (400/502/504) with one safe line otherwise."""
        try:
            with self.session.post(
                self.url,
                data=form,
                headers={"Accept": accept},
                timeout=self.timeout_s,
                stream=True,
            ) as answer:
                if answer.status_code == 400:
                    raise self._remote_400(text)
                if answer.status_code != 200:
                    # The store's own text may quote internals: only the status goes out.
                    raise ProtocolError(502, f"the SPARQL store answered {answer.status_code}")
                chunks, size = [], 0
                for chunk in answer.iter_content(1 << 16):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise ProtocolError(502, "the SPARQL store's answer is too large")
                    chunks.append(chunk)
                return b"".join(chunks)
        except requests.Timeout:
            raise ProtocolError(
                504, f"the SPARQL store did not answer within {self.timeout_s:g} s"
            ) from None
        except requests.RequestException as err:
            reason = type(err).__name__
            raise ProtocolError(502, f"the SPARQL store is unreachable ({reason})") from None

    def _remote_400(self, text: str) -> ProtocolError:
        """A refused query: the local parser's message for the user's text when it has one."""
        try:
            self.store.query(text)
        except SyntaxError as err:
            return ProtocolError(400, f"malformed query: {err}")
        except (OSError, RuntimeError, ValueError):
            pass
        return ProtocolError(400, "the SPARQL store refused the query as malformed")

    def named_graphs(self) -> list[str]:
        body = self._post({"query": _GRAPHS}, _JSON, _GRAPHS)
        result = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        assert isinstance(result, ox.QuerySolutions)
        return sorted(g.value for row in result if isinstance(g := row["g"], ox.NamedNode))


__all__ = ["RemoteRunner"]
