"""create_server and the worker processes: store checks, snapshots, deadlines, isolation."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from dlkg.errors import StoreError
from dlkg.web.server.serve import create_server
from dlkg.web.server.settings import ServeSettings
from dlkg.web.site.runner import LocalRunner, RunnerError, RunnerSettings

from ..helpers import BASE, FIXTURES, Live, serve_in_thread


def test_pages_and_sparql_are_served_by_the_workers(live: Live) -> None:
    page = live.request("GET", "/paper/arxiv-1503.02531", headers={"Accept": "text/turtle"})
    assert page.status == 200 and "Distilling" in page.text
    assert page.headers["access-control-allow-origin"] == "*"
    assert live.get("ASK {}").status == 200


def test_the_runner_pages_use_refuses_updates() -> None:
    store = ox.Store()
    store.load(path=str(FIXTURES / "web_small_dataset.trig"), format=ox.RdfFormat.TRIG)
    runner = LocalRunner(store, RunnerSettings(BASE))
    with pytest.raises(RunnerError) as refused:
        runner.select("DELETE WHERE { ?s ?p ?o }")
    assert refused.value.status == 400 and "update" in str(refused.value)
    assert len(store) == 77  # nothing was deleted


def test_a_missing_store_is_a_store_error(tmp_path: Path) -> None:
    settings = ServeSettings(store_dir=tmp_path / "nope", build_dir=tmp_path, base_iri=BASE, port=0)
    with pytest.raises(StoreError, match="cannot open the store"):
        create_server(settings)


def test_large_stores_are_queried_read_only_on_disk(web_store: Path, tmp_path: Path) -> None:
    # memory_max_quads=0: no in-memory snapshot, every worker opens the store read-only.
    for live in serve_in_thread(
        store_dir=web_store, build_dir=tmp_path, base_iri=BASE, workers=1, memory_max_quads=0
    ):
        assert live.server is not None and live.server.scratch is None
        reply = live.get("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert '"value":"77"' in reply.text


def test_the_in_memory_snapshot_is_removed_at_shutdown(web_store: Path, tmp_path: Path) -> None:
    for live in serve_in_thread(store_dir=web_store, build_dir=tmp_path, base_iri=BASE, workers=1):
        assert live.server is not None and live.server.scratch is not None
        scratch = live.server.scratch
        assert (scratch / "store.nq").is_file()
        assert '"value":"77"' in live.get("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").text
    assert not scratch.exists()


def test_page_handlers_get_the_same_deadline(web_store: Path, tmp_path: Path) -> None:
    # helpers.slow_app: the real site plus a /slow page whose lookup never ends.
    for live in serve_in_thread(
        store_dir=web_store,
        build_dir=tmp_path,
        base_iri=BASE,
        workers=1,
        timeout_s=1.0,
        app="web.helpers:slow_app",
    ):
        reply = live.request("GET", "/slow")
        assert (reply.status, reply.text) == (504, "query exceeded the time limit of 1 s\n")
        # The killed worker is replaced. This client's timeout costs it the reserved worker
        # (fair.py), so on a loaded machine its next query may wait out the 1 s deadline for
        # the replacement and get 503 + Retry-After: a client that honours it gets its answer.
        give_up = time.monotonic() + 60
        while (after := live.get("ASK {}")).status == 503 and time.monotonic() < give_up:
            assert after.headers.get("retry-after") == "1"
            time.sleep(1)
        assert after.status == 200


def test_an_app_that_cannot_start_is_reported(web_store: Path, tmp_path: Path) -> None:
    settings = ServeSettings(
        store_dir=web_store, build_dir=tmp_path, base_iri=BASE, port=0, app="no.such:app"
    )
    server = create_server(settings)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            server.serve_forever()
        except RuntimeError as failed:
            failures.append(failed)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    server.shutdown()
    assert [str(f) for f in failures] == ["No module named 'no'"]


FRONT_ONLY = textwrap.dedent(
    """
    import json, sys, threading, urllib.request
    from pathlib import Path
    from dlkg.web.server.serve import create_server
    from dlkg.web.server.settings import ServeSettings

    settings = ServeSettings(store_dir=Path(sys.argv[1]), build_dir=Path(sys.argv[2]),
                             base_iri=sys.argv[3], port=0, workers=1)
    server = create_server(settings)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    assert server.wait_ready(60)
    url = f"http://127.0.0.1:{server.port}/sparql?query=ASK%7B%7D"
    with urllib.request.urlopen(url, timeout=30) as answer:
        print(answer.status, answer.read().decode())
    server.shutdown()
    print(json.dumps(sorted(m for m in sys.modules if m.startswith("dlkg.web"))))
    """
)


def test_the_front_process_never_imports_the_worker_or_the_site(
    web_store: Path, tmp_path: Path
) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", FRONT_ONLY, str(web_store), str(tmp_path), BASE],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    answer, modules = proc.stdout.splitlines()
    assert answer == '200 {"head":{},"boolean":true}'  # the workers did run the site
    loaded = set(json.loads(modules))
    assert "dlkg.web.server.front" in loaded and "dlkg.web.server.pool" in loaded
    assert "dlkg.web.server.worker" not in loaded
    assert not {m for m in loaded if m.startswith("dlkg.web.site")}
