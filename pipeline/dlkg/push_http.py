"""HTTP side of `dlkg push`: where a store listens, how to authenticate, and retries.

A SPARQL store exposes three services: queries, updates and the Graph Store HTTP Protocol
(GSP, one request per named graph). Stores put them at different paths, so `dlkg push URL
--store KIND` derives them from the server's base URL; each can be overridden.

| store | query | update | GSP (`?graph=IRI`) | bulk N-Quads | auth | switch |
|---|---|---|---|---|---|---|
| oxigraph | /query | /update | /store | POST /store | none | delta |
| virtuoso | /sparql | /sparql-auth | /sparql-graph-crud-auth | — | digest | move |
| fuseki (URL = dataset) | /query | /update | /data | POST /data | basic | move |

The switch (push.py) moves each staging graph to its live name with `MOVE`, except on
Oxigraph, whose one-transaction `MOVE` writes every triple twice (insert, then delete the
source) and grows faster than linearly: there it writes only the triples that differ (`DELETE`
and `INSERT … WHERE … FILTER NOT EXISTS`) and drops the staging graphs after the switch
(docs/scale.md has the measurements).

Credentials come from the environment, never from the command line (it shows in `ps`):
DLKG_PUSH_TOKEN (a bearer token), or DLKG_PUSH_USER and DLKG_PUSH_PASSWORD.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from .errors import StoreError


class PushError(StoreError):
    """The store refused or could not be reached (exit code 4); the old graphs are kept."""


@dataclass(frozen=True)
class Endpoints:
    query: str
    update: str
    gsp: str
    bulk: str | None  # accepts POSTed N-Quads of many graphs, or None
    auth: str = "basic"  # how DLKG_PUSH_USER/PASSWORD are sent: "basic" or "digest"
    switch: str = "move"  # how the switch replaces live graphs: "move" or "delta" (push.py)


STORES: dict[str, tuple[str, str, str, str | None, str, str]] = {
    "oxigraph": ("/query", "/update", "/store", "/store", "basic", "delta"),
    "virtuoso": ("/sparql", "/sparql-auth", "/sparql-graph-crud-auth", None, "digest", "move"),
    "fuseki": ("/query", "/update", "/data", "/data", "basic", "move"),
}


def endpoints_for(base_url: str, store: str, overrides: Mapping[str, str | None]) -> Endpoints:
    """The store kind's paths under `base_url`, with any explicitly given URL instead."""
    query, update, gsp, bulk, auth, switch = STORES[store]
    base = base_url.rstrip("/")
    found = Endpoints(base + query, base + update, base + gsp, bulk and base + bulk, auth, switch)
    given = {k: v for k, v in overrides.items() if v}
    return Endpoints(**{**found.__dict__, **given})


def auth_from_env(kind: str, env: Mapping[str, str] = os.environ) -> AuthBase | None:
    token = env.get("DLKG_PUSH_TOKEN")
    if token:
        return _Bearer(token)
    user, password = env.get("DLKG_PUSH_USER"), env.get("DLKG_PUSH_PASSWORD")
    if user is None:
        return None
    if password is None:
        raise PushError("DLKG_PUSH_USER is set but DLKG_PUSH_PASSWORD is not")
    return HTTPDigestAuth(user, password) if kind == "digest" else HTTPBasicAuth(user, password)


class _Bearer(AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = f"Bearer {self.token}"
        return r


# Statuses that mean "not processed, try again"; any other error status is final.
_RETRY_STATUS = frozenset({429, 502, 503, 504})


class Client:
    """One session to one store, with retries for requests that are safe to repeat."""

    def __init__(
        self,
        endpoints: Endpoints,
        auth: AuthBase | None,
        *,
        retries: int = 3,
        timeout_s: float = 300.0,
        backoff_s: float = 0.5,
    ) -> None:
        self.endpoints = endpoints
        self.session = requests.Session()
        self.session.auth = auth
        self.retries = retries
        self.timeout_s = timeout_s
        self.backoff_s = backoff_s

    def request(
        self, method: str, url: str, *, repeatable: bool, file: Path | None = None, **kw: Any
    ) -> requests.Response:
        """Send, retrying connection failures and 429/5xx-busy answers when `repeatable`
        (PUT, DELETE, queries and POSTs of blank-node-free triples give the same result when
        sent twice). A `file` body is streamed, and re-read from the start on every attempt."""
        attempts = 1 + (self.retries if repeatable else 0)
        for attempt in range(attempts):
            try:
                if file is not None:
                    with file.open("rb") as handle:
                        response = self.session.request(
                            method, url, data=handle, timeout=self.timeout_s, **kw
                        )
                else:
                    response = self.session.request(method, url, timeout=self.timeout_s, **kw)
            except requests.RequestException as exc:
                if attempt + 1 < attempts:
                    time.sleep(self.backoff_s * 2**attempt)
                    continue
                raise PushError(f"{method} failed: {type(exc).__name__}: {exc}", path=url) from None
            if response.status_code in _RETRY_STATUS and attempt + 1 < attempts:
                time.sleep(self.backoff_s * 2**attempt)
                continue
            if response.status_code >= 400:
                detail = " ".join(response.text.split())[:300]
                raise PushError(
                    f"{method} answered HTTP {response.status_code}: {detail}", path=url
                )
            return response
        raise AssertionError("unreachable: the loop returns or raises")

    def select(self, sparql: str) -> list[dict[str, str]]:
        """Rows of a SELECT query as {variable: lexical value}."""
        response = self.request(
            "POST",
            self.endpoints.query,
            repeatable=True,
            # Form-encoded: Virtuoso 7.2 waits for more of an application/sparql-query body.
            data={"query": sparql},
            headers={"Accept": "application/sparql-results+json"},
        )
        try:
            bindings = response.json()["results"]["bindings"]
        except (ValueError, KeyError) as exc:
            raise PushError(f"unreadable query answer ({exc})", path=self.endpoints.query) from None
        return [{k: v["value"] for k, v in row.items()} for row in bindings]

    def update(self, sparql: str, *, repeatable: bool) -> None:
        # Form-encoded: the one way of SPARQL 1.1 Protocol every store here accepts.
        self.request(
            "POST",
            self.endpoints.update,
            repeatable=repeatable,
            data={"update": sparql},
        )

    def put_graph(self, graph: str, ntriples: Path, *, replace: bool) -> None:
        """GSP: PUT (replace) or POST (add) the N-Triples file into `graph`."""
        self.request(
            "PUT" if replace else "POST",
            self.endpoints.gsp,
            repeatable=True,
            file=ntriples,
            params={"graph": graph},
            headers={"Content-Type": "application/n-triples"},
        )

    def post_quads(self, nquads: Path) -> None:
        assert self.endpoints.bulk is not None
        self.request(
            "POST",
            self.endpoints.bulk,
            repeatable=True,
            file=nquads,
            headers={"Content-Type": "application/n-quads"},
        )
