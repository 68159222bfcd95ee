"""What `dlkg link` needs to know about each service: base URL, polite rate, credentials.

Every value has an environment variable so tests (and operators behind a proxy) can point the
clients elsewhere: `DLKG_LINK_URL_<SERVICE>` (base URL), `DLKG_LINK_RATE_<SERVICE>` (requests
per second), `DLKG_LINK_CONTACT` (the e-mail in the User-Agent and Crossref's `mailto`),
`OPENALEX_API_KEY`, `S2_API_KEY`. The rules behind the defaults are in docs/decisions.md.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from .. import __version__

SERVICES = ("arxiv", "crossref", "openalex", "semanticscholar", "wikidata", "dblp")


@dataclass(frozen=True)
class Service:
    name: str
    base_url: str
    rate: float  # requests per second, at most (spacing between requests is 1/rate)
    label: str


# Defaults follow each service's published rules (docs/decisions.md, "dlkg link").
DEFAULTS: dict[str, Service] = {
    s.name: s
    for s in (
        Service("arxiv", "https://export.arxiv.org/api/query", 1 / 3, "arXiv API"),
        Service("crossref", "https://api.crossref.org", 5.0, "Crossref REST API"),
        Service("openalex", "https://api.openalex.org", 10.0, "OpenAlex API"),
        Service(
            "semanticscholar", "https://api.semanticscholar.org/graph/v1", 1.0, "Semantic Scholar"
        ),
        Service(
            "wikidata", "https://query-scholarly.wikidata.org/sparql", 1.0, "Wikidata (scholarly)"
        ),
        Service("wikidata-main", "https://query.wikidata.org/sparql", 1.0, "Wikidata (main)"),
        Service("dblp", "https://sparql.dblp.org/sparql", 1.0, "dblp SPARQL"),
    )
}


@dataclass(frozen=True)
class LinkConfig:
    services: dict[str, Service] = field(default_factory=lambda: dict(DEFAULTS))
    contact: str | None = None  # an e-mail address: User-Agent and Crossref's polite pool
    openalex_key: str | None = None
    s2_key: str | None = None
    timeout_s: float = 30.0
    retries: int = 4
    backoff_s: float = 2.0  # first retry waits this long (doubling), unless Retry-After says more

    @property
    def user_agent(self) -> str:
        # Wikimedia's User-Agent policy: tool name/version (URL; contact). Others ask the same.
        contact = f"; mailto:{self.contact}" if self.contact else ""
        return f"dlkg/{__version__} (https://w3id.org/dlkg/{contact})"

    def service(self, name: str) -> Service:
        return self.services[name]


def config_from_env(env: Mapping[str, str] | None = None, **overrides: object) -> LinkConfig:
    """The configuration from DLKG_LINK_* variables (see the module docstring)."""
    env = os.environ if env is None else env
    services = {}
    for name, svc in DEFAULTS.items():
        key = name.upper().replace("-", "_")
        url = env.get(f"DLKG_LINK_URL_{key}", svc.base_url).rstrip("/")
        rate = float(env.get(f"DLKG_LINK_RATE_{key}", svc.rate))
        if rate <= 0:
            raise ValueError(f"DLKG_LINK_RATE_{key} must be positive: {rate}")
        services[name] = replace(svc, base_url=url, rate=rate)
    config = LinkConfig(
        services=services,
        contact=env.get("DLKG_LINK_CONTACT") or None,
        openalex_key=env.get("OPENALEX_API_KEY") or None,
        s2_key=env.get("S2_API_KEY") or env.get("SEMANTIC_SCHOLAR_API_KEY") or None,
        timeout_s=float(env.get("DLKG_LINK_TIMEOUT", 30.0)),
        backoff_s=float(env.get("DLKG_LINK_BACKOFF", 2.0)),
    )
    return replace(config, **overrides)  # type: ignore[arg-type]


__all__ = ["DEFAULTS", "SERVICES", "LinkConfig", "Service", "config_from_env"]
