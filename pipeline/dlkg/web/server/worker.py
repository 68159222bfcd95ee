"""The worker process: `python -m dlkg.web.server.worker FD`, one request at a time.

It reads its settings from the inherited socket, opens the store (an in-memory copy of the
front's snapshot, else the store on disk read-only), builds the app its settings name (the
site, `dlkg.web.site.app:create_app`) and answers READY; then each job frame gets one frame
with the complete HTTP response. The front kills a worker that overruns its deadline and
starts a new one, so neither a slow query nor an engine crash can take the server down.
"""

from __future__ import annotations

import importlib
import pickle
import signal
import socket
import sys
import time
import traceback
from collections.abc import Sequence

import pyoxigraph as ox

from ...errors import QueryError
from ...memory_budget import apply_ceiling, exhausted
from ...sandbox import isolate_network
from ..http import App, error_response
from .framing import (
    ERROR,
    READY,
    decode_job,
    encode_answer,
    encode_job,
    is_lease,
    read_frame,
    write_frame,
)
from .lease import RECALL, Slot
from .lease_loop import LeaseLoop
from .settings import WorkerSettings
from .wire import encode_response, parse_head

# A lookup through the whole path (guard, engine, serialization) before the worker says READY:
# on a loaded machine a fresh worker's first query took 0.2-1.5 s, all of it one-time set-up.
WARM_UP = encode_job(
    b"GET /sparql?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20LIMIT%201 HTTP/1.1"
    b"\r\nHost: warm-up\r\nAccept: application/sparql-results+json\r\n\r\n",
    close=False,
)


def open_store(settings: WorkerSettings) -> ox.Store:
    """The worker's store: an in-memory copy of the snapshot, else the store read-only."""
    if settings.snapshot is None:
        return ox.Store.read_only(str(settings.serve.store_dir))
    store = ox.Store()
    store.bulk_load(path=str(settings.snapshot), format=ox.RdfFormat.N_QUADS)
    return store


def load_app(settings: WorkerSettings, store: ox.Store) -> App:
    """The app named by `settings.serve.app` ("module:factory"), built over `store`."""
    module_name, _, factory = settings.serve.app.partition(":")
    create = getattr(importlib.import_module(module_name), factory)
    app: App = create(settings.serve, store)
    return app


def answer(app: App, job: bytes) -> bytes:
    """Response bytes for a job frame."""
    close, head, body = decode_job(job)
    try:
        request = parse_head(head, body)
    except ValueError:
        response = error_response(400, "malformed request")
        return encode_response(response, head_only=False, close=close)
    try:
        response = app(request)
    except QueryError as refused:  # a query the runner refused or failed, from any page
        response = error_response(getattr(refused, "status", 500), str(refused))
    except MemoryError:
        exhausted()  # never returns: the front answers 507 and replaces this worker
    except Exception:
        traceback.print_exc(file=sys.stderr)
        response = error_response(500, "internal error while handling the request")
    return encode_response(response, head_only=request.method == "HEAD", close=close)


def serve(sock: socket.socket, side: socket.socket | None = None, slot: Slot | None = None) -> None:
    """The worker loop: settings, store, READY, then one response per job frame.

    A lease job's client socket arrives on `side`; the worker serves that connection (and
    more of the same client's, handed over meanwhile) until it gives them back and says LEFT
    (lease_loop.py) instead of answering the job."""
    frame = read_frame(sock)
    if frame is None:
        return
    settings: WorkerSettings = pickle.loads(frame)  # noqa: S301  (from our own parent process)
    sys.path[:0] = [p for p in settings.sys_path if p not in sys.path]
    try:
        isolate_network(settings.serve.isolation)  # before the store opens or a request is read
        apply_ceiling(settings.serve.memory_limit)
        app = load_app(settings, open_store(settings))
    except Exception as err:  # any failure to start is reported to the front, then we exit
        write_frame(sock, ERROR + " ".join(str(err).split())[:300].encode())
        return
    answer(app, WARM_UP)  # the first query pays for lazy imports and caches: not a client's
    write_frame(sock, READY)
    on = settings.serve
    leases = None
    if side is not None and slot is not None:
        leases = LeaseLoop(
            lambda j: answer(app, j), sock, side, slot, on.limits, on.trust_proxy, on.lease_idle_s
        )
    while (job := read_frame(sock)) is not None:
        if job == RECALL:
            continue  # the lease it meant has ended already
        if is_lease(job) and leases is not None:
            leases.run(job)
            continue
        response = answer(app, job)
        write_frame(sock, encode_answer(time.process_time(), response))


def main(argv: Sequence[str]) -> None:
    """Entry point: argv[0] is the inherited socket's file descriptor; argv[1] and argv[2],
    where leases are on, the side socket for client connections and the slot's memory."""
    # Ctrl-C reaches the whole process group: the front stops its workers itself, so a worker
    # ignores SIGINT rather than dying with a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sock = socket.socket(fileno=int(argv[0]))
    side = socket.socket(fileno=int(argv[1])) if len(argv) > 2 else None
    slot = Slot(int(argv[2])) if len(argv) > 2 else None
    try:
        serve(sock, side, slot)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the front went away: nothing left to answer
    except MemoryError:
        exhausted()
    finally:
        sock.close()


if __name__ == "__main__":
    main(sys.argv[1:])
