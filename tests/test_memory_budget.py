"""How the server's memory budget is derived and split (dlkg.memory_budget)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlkg.errors import UsageError
from dlkg.memory_budget import (
    MIN_PER_WORKER,
    machine_memory,
    max_workers,
    parse_budget,
    plan,
)


def mem_total() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no MemTotal")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50%", (0.5, None)),
        ("12.5%", (0.125, None)),
        ("6G", (None, 6 << 30)),
        ("512MiB", (None, 512 << 20)),
        ("1.5g", (None, 3 << 29)),
        ("1048576", (None, 1 << 20)),
    ],
)
def test_parse_budget(text: str, expected: tuple[float | None, int | None]) -> None:
    assert parse_budget(text) == expected


@pytest.mark.parametrize("text", ["0%", "150%", "lots", "6X", "-1G", ""])
def test_a_bad_budget_is_one_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="--memory-budget"):
        parse_budget(text)


def test_the_machine_is_at_most_its_memtotal() -> None:
    size, source = machine_memory()
    assert 0 < size <= mem_total()
    assert source in ("MemTotal", "cgroup memory.max", "cgroup memory.limit_in_bytes")


def test_the_default_is_half_the_machine_split_over_the_most_workers() -> None:
    memory = plan(None, 2)
    size, _ = machine_memory()
    assert memory.budget == size // 2
    assert memory.workers == min(max_workers(2), memory.budget // MIN_PER_WORKER)
    assert memory.per_worker == memory.budget // memory.workers
    assert memory.per_worker * memory.workers <= memory.budget  # the ceilings add up
    assert "50% of" in memory.describe()


def test_an_absolute_budget_is_taken_as_given() -> None:
    memory = plan("4G", 2)
    assert (memory.budget, memory.per_worker, memory.workers) == (4 << 30, 512 << 20, 8)
    assert plan(4 << 30, 2) == memory


def test_a_tight_budget_means_fewer_spare_workers_not_smaller_ceilings() -> None:
    memory = plan(5 * MIN_PER_WORKER + 1, 2)
    assert memory.workers == 5  # not max_workers(2) == 8
    assert memory.per_worker >= MIN_PER_WORKER
    assert memory.per_worker * memory.workers <= memory.budget


def test_a_budget_too_small_for_the_workers_is_refused() -> None:
    with pytest.raises(UsageError, match="cannot give each of 4 query workers at least 512 MiB"):
        plan(4 * MIN_PER_WORKER - 1, 4)
