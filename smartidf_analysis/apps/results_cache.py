"""A small cache of a page's computed results per database build and parameter set."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class ResultsCache:
    """Results computed for one database build (``fingerprint``) and parameter set, shared
    by the sessions of a process (least recently used dropped beyond ``max_items``).
    Thread safe; two threads asking for the same new key may both compute it."""

    def __init__(self, max_items: int = 32) -> None:
        self.max_items = max_items
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, fingerprint: str, key: Hashable, compute: Callable[[], Any]) -> Any:
        full = (fingerprint, key)
        with self._lock:
            if full in self._items:
                self._items.move_to_end(full)
                return self._items[full]
        value = compute()
        with self._lock:
            self._items[full] = value
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
