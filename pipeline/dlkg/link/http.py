"""The polite HTTP layer of `dlkg link`: cache, per-service spacing, retries, validation.

- requests-cache keeps every raw answer in one SQLite file (committed per response, so a run
  that is killed loses nothing it already received) and never expires it: a rerun asks nothing
  already answered, and `--offline` answers from it alone (a miss is a 504 from the cache).
- `_cacheable` decides what is an answer: a 200 whose body parses as what the service promised
  (JSON, SPARQL JSON results, an Atom feed), or a 404 that is not an HTML error page. Truncated
  bodies, HTML instead of JSON, 429/5xx and timeouts are never stored.
- urllib3 `Retry` retries 429, 5xx, connection errors and read timeouts with exponential
  backoff, honouring `Retry-After`; every retry waits its turn at the service's `Spacer`, so
  the polite rate holds for retries too. A body that is malformed after all (a truncated
  transfer, HTML) is asked for once more before the request counts as failed.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests
from requests.adapters import HTTPAdapter
from requests_cache import CachedSession
from urllib3.util.retry import Retry

from .config import LinkConfig, Service
from .ratelimit import Spacer

# Credentials and contact details never become part of a cache key or a stored URL.
SECRET_PARAMETERS = ["api_key", "mailto", "x-api-key"]
_JSON_TYPES = ("application/json", "application/sparql-results+json")
_XML_TYPES = ("application/atom+xml", "application/xml", "text/xml")


@dataclass(frozen=True)
class Answer:
    """One answered request: the raw body and where and when it came from."""

    service: str
    url: str  # without credentials
    status: int
    body: bytes
    from_cache: bool
    retrieved_at: str  # ISO 8601, UTC: when the service sent it (the cache keeps the time)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def json(self) -> Any:
        return json.loads(self.body)


def _media_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def body_problem(response: requests.Response) -> str | None:
    """Why `response` is not a usable answer, or None when it is one."""
    if response.status_code not in (200, 404):
        return f"HTTP {response.status_code}"
    media = _media_type(response)
    if media == "text/html" or response.content.lstrip()[:15].lower().startswith(
        (b"<!doctype html", b"<html")
    ):
        return f"HTML instead of data (HTTP {response.status_code})"
    if response.status_code == 404:
        return None  # "not found" is an answer: the service has no such record
    try:
        if media in _JSON_TYPES or media.endswith("+json"):
            if not isinstance(json.loads(response.content), dict):
                return "JSON answer is not an object"
        elif media in _XML_TYPES:
            root = ET.fromstring(response.content)  # noqa: S314 - Atom from arXiv, no DTDs
            if not root.tag.endswith("feed"):
                return f"XML answer is not an Atom feed: {root.tag}"
        else:
            return f"unexpected media type {media!r}"
    except (ValueError, ET.ParseError) as exc:
        return f"malformed or truncated {media} answer: {exc}"
    return None


def _cacheable(response: requests.Response) -> bool:
    try:
        return body_problem(response) is None
    except requests.RequestException:  # the body could not even be read
        return False


class _PoliteRetry(Retry):
    """urllib3 Retry whose every retry also waits for the service's spacer."""

    spacer: Spacer | None = None

    def new(self, **kw: Any) -> _PoliteRetry:
        retry = super().new(**kw)
        retry.spacer = self.spacer
        return retry

    def sleep(self, response: Any = None) -> None:
        super().sleep(response)
        if self.spacer is not None:
            self.spacer.wait()


class _SpacedAdapter(HTTPAdapter):
    """Waits for the spacer before every request that really goes to the network."""

    def __init__(self, spacer: Spacer, retry: Retry) -> None:
        self.spacer = spacer
        super().__init__(max_retries=retry, pool_maxsize=1)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.spacer.wait()
        return super().send(request, **kwargs)


class LinkSession:
    """One cache and one spacer per service; `get()` returns an Answer, never raises."""

    def __init__(self, config: LinkConfig, cache_path: Path, *, offline: bool = False) -> None:
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        self.config = config
        self.offline = offline
        self.session = CachedSession(
            str(cache_path),
            backend="sqlite",
            expire_after=-1,  # never expires: scholarly records are re-asked only on purpose
            allowable_codes=(200, 404),
            allowable_methods=("GET",),
            filter_fn=_cacheable,
            ignored_parameters=SECRET_PARAMETERS,
            cache_control=False,
            stale_if_error=False,
            only_if_cached=offline,
        )
        self.session.headers["User-Agent"] = config.user_agent
        self.spacers: dict[str, Spacer] = {}
        for name, service in config.services.items():
            spacer = Spacer(service.rate)
            self.spacers[name] = spacer
            retry = _PoliteRetry(
                total=config.retries,
                connect=config.retries,
                read=config.retries,
                status=config.retries,
                backoff_factor=config.backoff_s,
                status_forcelist=(429, 500, 502, 503, 504),
                allowed_methods=("GET",),
                respect_retry_after_header=True,
                raise_on_status=False,
            )
            retry.spacer = spacer
            self.session.mount(service.base_url + "/", _SpacedAdapter(spacer, retry))
            self.session.mount(service.base_url + "?", _SpacedAdapter(spacer, retry))

    def close(self) -> None:
        self.session.close()  # type: ignore[no-untyped-call]

    def _stored(self, response: requests.Response) -> requests.Response:
        """The cached copy of a fresh response: its time stamp is the one reruns will see."""
        key = getattr(response, "cache_key", None)
        if _from_cache(response) or not key:
            return response
        return self.session.cache.get_response(key) or response

    def get(
        self,
        service: Service,
        path: str = "",
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        url = service.base_url + path
        shown = url + ("?" + urlencode(sorted(_public(params).items())) if params else "")
        problem = "no answer"
        for _attempt in range(2):  # one more try for a body that turned out malformed
            try:
                response = self.session.get(
                    url, params=params, headers=headers, timeout=self.config.timeout_s
                )
            except requests.RequestException as exc:
                problem = f"{type(exc).__name__}: {exc}"
                continue
            if self.offline and response.status_code == 504:  # requests-cache: not cached
                return _failed(service, shown, 504, "not in the cache (--offline)")
            try:
                problem = body_problem(response) or ""
            except requests.RequestException as exc:
                problem = f"{type(exc).__name__}: {exc}"
            if not problem:
                return Answer(
                    service.name,
                    shown,
                    response.status_code,
                    response.content,
                    _from_cache(response),
                    _retrieved_at(self._stored(response)),
                )
            if response.status_code in (429, 500, 502, 503, 504):
                break  # urllib3 already retried these; asking again now would not be polite
        return _failed(service, shown, 0, problem)


def _public(params: dict[str, str] | None) -> dict[str, str]:
    return {k: v for k, v in (params or {}).items() if k not in SECRET_PARAMETERS}


def _from_cache(response: requests.Response) -> bool:
    return bool(getattr(response, "from_cache", False))


def _retrieved_at(response: requests.Response) -> str:
    # requests-cache stamps a fresh response and keeps that stamp in the cache, so a rerun
    # from the cache states the same retrieval time
    created = getattr(response, "created_at", None)
    when = created if isinstance(created, datetime) else datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).replace(microsecond=0).isoformat()


def _failed(service: Service, url: str, status: int, error: str) -> Answer:
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    return Answer(service.name, url, status, b"", False, now, error)


__all__ = ["Answer", "LinkSession", "body_problem"]
