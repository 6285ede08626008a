"""Freeing a finished test's state off the critical path.

A reset swaps in fresh, empty state at once; what the last test built (a thousand servers,
their cached documents) is handed here and released by one background thread, so the next
test does not wait for Python to free tens of thousands of objects. Nothing here acts on the
fakes' behaviour: lifecycles still derive from the clock when read.
"""

from __future__ import annotations

import queue
import threading
from typing import Any

#: Old states waiting to be freed; a full queue makes ``discard`` free inline, so memory
#: stays bounded however fast resets come.
_PENDING = 4


class Reaper:
    """Drops references handed to ``discard`` on a daemon thread."""

    def __init__(self) -> None:
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=_PENDING)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def discard(self, state: Any) -> None:
        """Release ``state`` (the caller must hold no other reference) in the background."""
        self._ensure_thread()
        try:
            self._queue.put_nowait(state)
        except queue.Full:
            del state  # freed here, as without a reaper

    def drain(self) -> None:
        """Wait until everything discarded so far is freed (tests and a clean stop use it)."""
        self._queue.join()

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="pytest-mimic reaper", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            state = self._queue.get()
            del state
            self._queue.task_done()
