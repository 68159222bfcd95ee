"""Virtuoso's bulk loader with dlkg's atomic switch, as an operator would run it (docs/scale.md).

1. the dump's graph names are rewritten to staging names (`<graph>?dlkg-push=<id>`), so the load
   is invisible under the live names;
2. the file goes into a folder listed in `DirsAllowed` of virtuoso.ini, and isql runs
   `ld_dir(folder, 'staged.nq', default graph); rdf_loader_run(); checkpoint;` (for .nq files the
   graph of each quad is kept; the third argument only names the graph of triple formats);
3. DB.DBA.LOAD_LIST must show no error for the file;
4. dlkg's switch updates (`MOVE` each staging graph to its live name, one transaction per
   graph) and the live counts checked against the build's, over HTTP as `dlkg push` does.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import pyoxigraph as ox
from requests.auth import HTTPDigestAuth

from dlkg.push import build_graphs, staging_name, store_graphs, switch_updates
from dlkg.push_http import Client, PushError, endpoints_for
from stores import RunningStore

_GRAPH_AT_END = re.compile(rb"<([^<>?]+)> \.\n")


def stage(nquads: Path, target: Path, build_id: str) -> None:
    """Copy `nquads` with every quad's graph renamed to its staging name."""
    mark = staging_name("", build_id).encode()
    with nquads.open("rb") as source, target.open("wb") as out:
        for line in source:
            # The graph is the last term of an N-Quads line; dlkg's graph names have no "?".
            out.write(_GRAPH_AT_END.sub(lambda m: b"<" + m.group(1) + mark + b"> .\n", line))


def isql(server: RunningStore, sql: str) -> str:
    binary = shutil.which("isql-vt") or shutil.which("isql")
    if binary is None or server.sql_port is None:
        raise PushError("isql-vt not found (Debian virtuoso-opensource)")
    done = subprocess.run(
        [binary, f"127.0.0.1:{server.sql_port}", server.user or "dba", server.password or "dba"],
        input=sql.encode(),
        capture_output=True,
        check=False,
    )
    out = done.stdout.decode(errors="replace")
    if done.returncode or "*** Error" in out:
        raise PushError(f"isql failed: {' '.join((out + done.stderr.decode()).split())[-300:]}")
    return out


def load_staged(
    server: RunningStore, folder: Path, source: ox.Store, nquads: Path, prefix: str
) -> str:
    """Steps 1-4 into `server`, whose DirsAllowed lists `folder`; the timings as a note."""
    build_id = "ld"
    counts = build_graphs(source, prefix)
    folder.mkdir(parents=True, exist_ok=True)
    marks = [time.perf_counter()]
    stage(nquads, folder / "staged.nq", build_id)
    marks.append(time.perf_counter())
    isql(
        server,
        f"ld_dir('{folder}', 'staged.nq', '{prefix}misc');\nrdf_loader_run();\ncheckpoint;\n",
    )
    marks.append(time.perf_counter())
    errors = isql(
        server, "SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;"
    )
    if "staged.nq" in errors:
        raise PushError(f"rdf_loader_run: {' '.join(errors.split())[-300:]}")
    auth = HTTPDigestAuth(server.user or "dba", server.password or "dba")
    client = Client(endpoints_for(server.url, "virtuoso", {}), auth, timeout_s=7200)
    staged = store_graphs(client, prefix)
    wrong = [g for g, n in counts.items() if staged.get(staging_name(g, build_id), 0) != n]
    if wrong:
        raise PushError(f"staging graphs with the wrong count after the load: {wrong}")
    marks.append(time.perf_counter())
    steps = ["rename graphs", "ld_dir + rdf_loader_run + checkpoint", "check", "switch"]

    def note() -> str:
        pairs = zip(steps, marks, marks[1:], strict=False)
        return ", ".join(f"{s} {b - a:,.1f} s" for s, a, b in pairs)

    try:
        for _graph, update in switch_updates([], counts, build_id):  # one per graph
            client.update(update, repeatable=False)
    except PushError as exc:  # the load's figures still count; the live graphs are untouched
        took = time.perf_counter() - marks[-1]
        raise PushError(f"{note()}; the switch failed after {took:,.0f} s: {exc}") from None
    marks.append(time.perf_counter())
    live = store_graphs(client, prefix)
    if any(live.get(g, 0) != n for g, n in counts.items()):
        raise PushError("after the switch the live graphs do not hold the build's counts")
    return note()
