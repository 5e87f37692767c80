"""config.local_cache: a process's own copy of immutable values, within its byte budget."""

from config.local_cache import LocalBytes


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
