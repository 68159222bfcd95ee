"""The row cap's cheap bound (runner.rows_at_most): never below the true row count, so a
body it lets through uncounted is never one the cap should have cut.

Literals full of the bytes the bound counts (`},{`, `<result>`) only raise it: the answer
then takes the exact path, and the cut is still exactly at max_rows."""

from __future__ import annotations

import json
import random

import pyoxigraph as ox
import pytest

from dlkg import formats
from dlkg.web.site.runner import LocalRunner, RunnerSettings, rows_at_most
from dlkg.web.site.sparql import ProtocolQuery

BASE = "https://w3id.org/dlkg/"
QUERY = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
TRICKY = ["},{", "<result>", '"},{"', "}},{{", "\\", "plain", "{", "}", "</result>", "\n"]


def store_with(rows: int, seed: int) -> ox.Store:
    rng = random.Random(seed)  # noqa: S311  (test data, not secrets)
    store = ox.Store()
    for k in range(rows):
        text = "".join(rng.choice(TRICKY) for _ in range(rng.randint(0, 12)))
        subject = ox.NamedNode(f"{BASE}s{k:04d}")
        store.add(ox.Quad(subject, ox.NamedNode(f"{BASE}p"), ox.Literal(text)))
    return store


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_bound_is_never_below_the_rows(seed: int, fmt: str) -> None:
    rows = 40 + seed * 7
    store = store_with(rows, seed)
    results = store.query(QUERY)
    assert isinstance(results, ox.QuerySolutions)
    format_ = formats.JSON if fmt == "json" else formats.XML
    body = results.serialize(format=format_.results) or b""
    assert rows_at_most(body, format_) >= rows


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("extra", [0, 1, 5])
def test_the_cut_stays_exact_with_the_bound(fmt: str, extra: int) -> None:
    max_rows = 30
    store = store_with(max_rows + extra, seed=extra)
    runner = LocalRunner(store, RunnerSettings(BASE, max_rows=max_rows))
    answer = runner.evaluate(ProtocolQuery(QUERY, format=fmt))
    assert answer.truncated is (extra > 0)
    if fmt == "json":
        data = json.loads(answer.body)
        assert len(data["results"]["bindings"]) == min(max_rows, max_rows + extra)
    else:
        assert answer.body.count(b"<result>") == min(max_rows, max_rows + extra)


def test_an_answer_within_the_cap_goes_out_as_the_engine_wrote_it() -> None:
    store = ox.Store()
    for k in range(200):  # long rows: far more bytes than 2 x (max_rows + 1)
        subject = ox.NamedNode(f"{BASE}s{k:04d}")
        store.add(ox.Quad(subject, ox.NamedNode(f"{BASE}p"), ox.Literal("x" * 200)))
    runner = LocalRunner(store, RunnerSettings(BASE, max_rows=500))
    answer = runner.evaluate(ProtocolQuery(QUERY, format="json"))
    results = store.query(QUERY)
    assert isinstance(results, ox.QuerySolutions)
    assert answer.body == results.serialize(format=formats.JSON.results)
    assert rows_at_most(answer.body, formats.JSON) == 200
