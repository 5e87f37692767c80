"""config.local_cache: a process's own copy of immutable values, within its byte budget;
and of changing values, for a few seconds."""

import time

from config.local_cache import LocalBytes, LocalFor


def test_the_least_recently_used_go_first_when_over_budget():
    local = LocalBytes(budget=10)
    local.set("a", b"1234")
    local.set("b", b"1234")
    assert local.get("a") == b"1234"  # now b is the least recently used
    local.set("c", b"1234")
    assert (local.get("a"), local.get("b"), local.get("c")) == (b"1234", None, b"1234")
    assert local.size == 8


def test_a_value_over_the_budget_is_not_kept_and_a_new_value_replaces_the_old():
    local = LocalBytes(budget=4)
    local.set("big", b"12345")
    assert local.get("big") is None and local.size == 0
    local.set("k", b"12")
    local.set("k", b"123")
    assert local.get("k") == b"123" and local.size == 3
    local.clear()
    assert local.get("k") is None and local.size == 0


def test_a_value_is_kept_for_its_seconds_then_forgotten(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    local = LocalFor(seconds=5)
    local.set("k", "v")
    clock[0] += 4.9
    assert local.get("k") == "v"
    clock[0] += 0.2
    assert local.get("k") is None
    local.set("k", "w")
    local.discard("k")
    assert local.get("k") is None


def test_at_most_size_values_the_oldest_dropped_and_zero_seconds_keeps_nothing():
    local = LocalFor(seconds=60, size=2)
    for key in "abc":
        local.set(key, key.upper())
    assert [local.get(key) for key in "abc"] == [None, "B", "C"]
    local.clear()
    assert local.get("b") is None
    off = LocalFor(seconds=0)
    off.set("k", "v")
    assert off.get("k") is None
