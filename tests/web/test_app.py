"""create_server's routing: /sparql first, then extra handlers, then the pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dlkg.errors import StoreError, UsageError
from dlkg.web.app import create_server
from dlkg.web.workers import pages_handlers

from . import sample_handlers
from .conftest import BASE, Live, serve_in_thread


@pytest.fixture(scope="module")
def with_pages(web_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    yield from serve_in_thread(
        store_dir=web_store,
        build_dir=tmp_path_factory.mktemp("build"),
        base_iri=BASE,
        workers=1,
        extra_handlers=[sample_handlers.hello, sample_handlers.refuse_update],
    )


def test_extra_handlers_run_in_the_workers_with_the_runner(with_pages: Live) -> None:
    reply = with_pages.request("GET", "/hello")
    assert (reply.status, reply.text) == (200, "hello 77\n")
    assert reply.headers["access-control-allow-origin"] == "*"


def test_the_runner_refuses_updates_from_handlers_too(with_pages: Live) -> None:
    reply = with_pages.request("GET", "/sneaky")
    assert reply.status == 400
    assert "read-only" in reply.text


def test_pages_are_served_by_default_after_sparql(with_pages: Live) -> None:
    if not pages_handlers():
        pytest.skip("dlkg.web.pages does not exist yet")
    page = with_pages.request("GET", "/paper/arxiv-1503.02531", headers={"Accept": "text/turtle"})
    assert page.status == 200 and "Distilling" in page.text
    assert with_pages.get("ASK {}").status == 200  # /sparql is still ours


def test_closures_cannot_be_handlers(web_store: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="module-level"):
        create_server(
            store_dir=web_store,
            build_dir=tmp_path,
            base_iri=BASE,
            port=0,
            extra_handlers=[lambda request, ctx: None],
        )


def test_a_missing_store_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open the store"):
        create_server(store_dir=tmp_path / "nope", build_dir=tmp_path, base_iri=BASE, port=0)


def test_large_stores_are_queried_read_only_on_disk(web_store: Path, tmp_path: Path) -> None:
    # memory_max_quads=0: no in-memory snapshot, every worker opens the store read-only.
    for live in serve_in_thread(
        store_dir=web_store,
        build_dir=tmp_path,
        base_iri=BASE,
        workers=1,
        default_pages=False,
        memory_max_quads=0,
    ):
        assert live.server is not None and live.server.scratch is None
        reply = live.get("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert '"value":"77"' in reply.text


def test_the_in_memory_snapshot_is_removed_at_shutdown(web_store: Path, tmp_path: Path) -> None:
    for live in serve_in_thread(
        store_dir=web_store, build_dir=tmp_path, base_iri=BASE, workers=1, default_pages=False
    ):
        assert live.server is not None and live.server.scratch is not None
        scratch = live.server.scratch
        assert (scratch / "store.nq").is_file()
        assert '"value":"77"' in live.get("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").text
    assert not scratch.exists()


def test_page_handlers_get_the_same_deadline(web_store: Path, tmp_path: Path) -> None:
    for live in serve_in_thread(
        store_dir=web_store,
        build_dir=tmp_path,
        base_iri=BASE,
        workers=1,
        timeout_s=1.0,
        default_pages=False,
        extra_handlers=[sample_handlers.slow],
    ):
        reply = live.request("GET", "/slow")
        assert (reply.status, reply.text) == (504, "query exceeded the time limit of 1 s\n")
        assert live.get("ASK {}").status == 200
