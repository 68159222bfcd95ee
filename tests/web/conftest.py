"""Web fixtures: real pyoxigraph stores, the real server, and the real site without a server.

Two speeds (STYLE.md habit 8): most server tests use a server started in-process (a thread
running `serve_forever`, workers as real subprocesses); `subprocess_server` is `dlkg serve`
itself. Page tests call the site's route table directly, with the real query runner over a
small store (tests/fixtures/pages_small.trig); `live_url` serves the same through the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from dlkg.web.http import Context
from dlkg.web.site.app import Site

from .helpers import (
    BASE,
    FIXTURES,
    PAGE_QUERIES,
    Call,
    Live,
    build_dir_for,
    build_store,
    dlkg_serve,
    load_store,
    make_call,
    on_disk,
    serve_in_thread,
    site_over,
    write_dumps,
)


@pytest.fixture(scope="session")
def web_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store of tests/fixtures/web_small_dataset.trig."""
    return build_store(
        tmp_path_factory.mktemp("web") / "store",
        (FIXTURES / "web_small_dataset.trig", ox.RdfFormat.TRIG, None),
    )


@pytest.fixture(scope="session")
def live(web_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The server over the small dataset: 2 workers, 3 s timeout, 1000 rows."""
    yield from serve_in_thread(
        store_dir=web_store,
        build_dir=tmp_path_factory.mktemp("build"),
        base_iri=BASE,
        timeout_s=3.0,
        max_rows=1000,
        workers=2,
    )


@pytest.fixture(scope="session")
def capped(web_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The same data with max_rows=3, to see results cut."""
    yield from serve_in_thread(
        store_dir=web_store,
        build_dir=tmp_path_factory.mktemp("build"),
        base_iri=BASE,
        max_rows=3,
        workers=1,
    )


@pytest.fixture(scope="session")
def subprocess_server(web_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """`dlkg serve --port 0 --timeout 3` as its own process, over the small dataset."""
    build_dir = build_dir_for(web_store, tmp_path_factory.mktemp("serve"))
    yield from dlkg_serve(build_dir, "--timeout", "3", "--workers", "2")


@pytest.fixture(params=["in-process", "subprocess"])
def any_server(request: pytest.FixtureRequest) -> Live:
    """The in-process and the subprocess server, in turn."""
    name = "live" if request.param == "in-process" else "subprocess_server"
    server: Live = request.getfixturevalue(name)
    return server


@pytest.fixture()
def build_dir(tmp_path: Path) -> Path:
    """A build folder with small dumps (tests/web/helpers.py: write_dumps)."""
    path = tmp_path / "build"
    write_dumps(path)
    return path


@pytest.fixture()
def site(build_dir: Path) -> Site:
    """The real site over pages_small.trig."""
    return site_over(load_store("pages_small.trig"), build_dir)


@pytest.fixture()
def ctx(site: Site) -> Context:
    return site.ctx


@pytest.fixture()
def call(site: Site) -> Call:
    return make_call(site)


@pytest.fixture()
def live_url(tmp_path: Path, build_dir: Path) -> Iterator[str]:
    """The real server (one worker) over pages_small.trig and the dumps of `build_dir`."""
    store_dir = on_disk(load_store("pages_small.trig"), tmp_path / "store")
    for live in serve_in_thread(
        store_dir=store_dir,
        build_dir=build_dir,
        base_iri=BASE,
        queries_dir=PAGE_QUERIES,
        workers=1,
    ):
        yield live.url
