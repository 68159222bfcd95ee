"""Module-level handlers for test_app.py: each worker process imports them by name."""

from __future__ import annotations

from dlkg.web.http import Context, Request, Response


def hello(request: Request, ctx: Context) -> Response | None:
    """Answers /hello with the worker's view of the store (via the runner pages use)."""
    if request.path != "/hello":
        return None
    found = ctx.runner.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    count = found["results"]["bindings"][0]["n"]["value"]  # type: ignore[index]
    return Response(200, "text/plain; charset=utf-8", f"hello {count}\n".encode())


def refuse_update(request: Request, ctx: Context) -> Response | None:
    """Sends an update through the runner: it must raise, and the server answer 400."""
    if request.path != "/sneaky":
        return None
    ctx.runner.select("DELETE WHERE { ?s ?p ?o }")
    return Response(200, "text/plain", b"should not happen\n")


def slow(request: Request, ctx: Context) -> Response | None:
    """A page whose lookup never ends: the server's deadline must stop it."""
    if request.path != "/slow":
        return None
    ctx.runner.select(
        "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
    )
    return Response(200, "text/plain", b"should not happen\n")


def greedy(request: Request, ctx: Context) -> Response | None:
    """Allocates far more than any worker's memory ceiling: Python raises MemoryError."""
    if request.path != "/greedy":
        return None
    blob = bytearray(1 << 40)
    return Response(200, "text/plain", f"should not happen {len(blob)}\n".encode())
