"""A process's own copy of cached values that never change under their key.

The shared cache (Redis in production) is a network round trip and a copy per request:
for a 186 KB tree that was a third of the request. Values stored under a versioned key
(``tree:<pk>:<born>:<version>:…``) never change, so each process may keep its own copy
without ever serving a stale one; it only has to bound the memory they take.
"""

import threading
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
