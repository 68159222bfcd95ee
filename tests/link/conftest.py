"""Fake services for the link tests (see fakes.py) and a configuration pointing at them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from dlkg.link.config import DEFAULTS, LinkConfig

from .fakes import RESPONDERS, FakeService

PATHS = {
    "arxiv": "/api/query",
    "wikidata": "/sparql",
    "wikidata-main": "/sparql",
    "dblp": "/sparql",
}
FAST = 200.0  # requests per second in tests that do not measure the polite rates


@pytest.fixture()
def fakes() -> Iterator[dict[str, FakeService]]:
    servers = {name: FakeService(responder) for name, responder in RESPONDERS.items()}
    yield servers
    for server in servers.values():
        server.close()


def base_urls(fakes: dict[str, FakeService]) -> dict[str, str]:
    return {name: fake.url + PATHS.get(name, "") for name, fake in fakes.items()}


def fake_config(fakes: dict[str, FakeService], **overrides: object) -> LinkConfig:
    urls = base_urls(fakes)
    services = {
        name: replace(svc, base_url=urls[name], rate=FAST) for name, svc in DEFAULTS.items()
    }
    config = LinkConfig(
        services=services, contact="dlkg-tests@example.org", timeout_s=2.0, backoff_s=0.05
    )
    return replace(config, **overrides)  # type: ignore[arg-type]


def fake_env(fakes: dict[str, FakeService], rate: float = FAST) -> dict[str, str]:
    """The DLKG_LINK_* variables that point a `dlkg link` subprocess at the fakes."""
    env = {"DLKG_LINK_CONTACT": "dlkg-tests@example.org", "DLKG_LINK_BACKOFF": "0.05"}
    for name, url in base_urls(fakes).items():
        key = name.upper().replace("-", "_")
        env[f"DLKG_LINK_URL_{key}"] = url
        env[f"DLKG_LINK_RATE_{key}"] = str(rate)
    return env
