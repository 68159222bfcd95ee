"""The request spacer, on a fake clock (pipeline/dlkg/link/ratelimit.py)."""

from __future__ import annotations

from itertools import pairwise

import pytest

from dlkg.link.ratelimit import Spacer


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_one_request_every_three_seconds_never_a_burst() -> None:
    clock = Clock()
    spacer = Spacer(1 / 3, clock=clock.time, sleep=clock.sleep)
    starts = []
    for _ in range(4):
        spacer.wait()
        starts.append(clock.now)
    assert [b - a for a, b in pairwise(starts)] == pytest.approx([3, 3, 3])


def test_time_spent_elsewhere_counts() -> None:
    clock = Clock()
    spacer = Spacer(1.0, clock=clock.time, sleep=clock.sleep)
    spacer.wait()
    clock.now += 5  # a slow answer
    spacer.wait()
    assert clock.slept == []


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        Spacer(0)
