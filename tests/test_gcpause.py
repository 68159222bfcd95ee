"""`collector_paused` turns the cyclic collector off inside the block and restores its state."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from dlkg.gcpause import collector_paused


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_off_inside_and_on_again_after() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_restored_when_the_step_fails() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("step failed")
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_a_collector_turned_off_by_the_caller_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_garbage_cycles_of_the_step_before_are_collected_first() -> None:
    class Node:
        other: object = None

    gc.disable()
    a, b = Node(), Node()
    a.other, b.other = b, a
    del a, b  # a cycle: only the collector frees it
    gc.enable()
    with collector_paused():
        assert not [o for o in gc.get_objects() if isinstance(o, Node)]
