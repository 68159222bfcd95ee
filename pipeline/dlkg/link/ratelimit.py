"""A per-service request spacer: at most `rate` requests per second, never in bursts.

pyrate-limiter was considered (docs/decisions.md): its buckets allow a burst of `n` requests
at the start of every window, which is exactly what arXiv's "one request every three seconds"
and Semantic Scholar's "1 request per second" forbid, and its blocking API changed between
major versions. Spacing each request 1/rate seconds after the previous one needs a dozen lines.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Spacer:
    """Blocks in `wait()` until 1/rate seconds have passed since the previous request."""

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive: {rate}")
        self.interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0  # earliest time the next request may start
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self._clock()
            if now < self._next:
                self._sleep(self._next - now)
                now = self._next
            self._next = now + self.interval


__all__ = ["Spacer"]
