"""A process's own copy of cached values: those that never change under their key
(:class:`LocalBytes`), and those it may hold a few seconds late (:class:`LocalFor`).

The shared cache (Redis in production) is a network round trip and a copy per request:
for a 186 KB tree that was a third of the request. Values stored under a versioned key
(``tree:<pk>:<born>:<version>:…``) never change, so each process may keep its own copy
without ever serving a stale one; it only has to bound the memory they take.
"""

import threading
import time
from collections import OrderedDict


class LocalBytes:
    """Least recently used ``bytes`` values, at most ``budget`` bytes in all."""

    def __init__(self, budget: int):
        self.budget, self.size = budget, 0
        self._values: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def set(self, key: str, value: bytes) -> None:
        if len(value) > self.budget:
            return
        with self._lock:
            old = self._values.pop(key, None)
            self.size += len(value) - (len(old) if old is not None else 0)
            self._values[key] = value
            while self.size > self.budget:
                _, dropped = self._values.popitem(last=False)
                self.size -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self.size = 0


class LocalFor:
    """Values this process keeps for ``seconds`` each, at most ``size`` of them (the
    oldest dropped first): for values that may change elsewhere, where being up to
    ``seconds`` late is the agreed price of not asking the shared cache every time.
    ``seconds`` of 0 keeps nothing."""

    def __init__(self, seconds: float, size: int = 10_000):
        self.seconds, self.size = seconds, size
        self._values: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            found = self._values.get(key)
            if found is None:
                return None
            until, value = found
            if time.monotonic() < until:
                return value
            del self._values[key]
            return None

    def set(self, key: str, value) -> None:
        if self.seconds <= 0:
            return
        with self._lock:
            self._values.pop(key, None)
            self._values[key] = (time.monotonic() + self.seconds, value)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def discard(self, key: str) -> None:
        with self._lock:
            self._values.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
