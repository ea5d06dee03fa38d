"""A byte budget shared by the requests of one server process, with a share per caller.

One event loop per process (uvicorn), so the bookkeeping needs no lock: take and give never
await between reading and writing the counts.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter

# Why a request was not admitted: the process's budget is spent (503), or the caller's share
# of it (429), so that one caller cannot take what the others need.
POD = "pod"
CALLER = "caller"


class Budget:
    """`total` bytes for the process; one caller holds at most `share` of them.

    `share` is at least one largest item, so a caller alone always gets one through.
    """

    def __init__(self, total: int, share: int) -> None:
        self.total, self.share = total, share
        self.used = 0
        self.by_caller: Counter[str | None] = Counter()
        self._changed: asyncio.Event | None = None

    def try_take(self, caller: str | None, size: int) -> str | None:
        """Take `size` bytes now; None, or why not (POD or CALLER)."""
        if caller is not None and self.by_caller[caller] + size > self.share:
            return CALLER
        if self.used + size > self.total:
            return POD
        self.used += size
        self.by_caller[caller] += size
        return None

    async def take(self, caller: str | None, size: int, wait: float) -> str | None:
        """Take `size` bytes, waiting up to `wait` seconds for others to give theirs back."""
        refusal = self.try_take(caller, size)
        if refusal is None or wait <= 0:
            return refusal
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while refusal is not None:
            left = deadline - loop.time()
            if left <= 0:
                return refusal
            if self._changed is None:
                self._changed = asyncio.Event()
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), left)
            refusal = self.try_take(caller, size)
        return None

    def give(self, caller: str | None, size: int) -> None:
        if size <= 0:
            return
        self.used -= size
        self.by_caller[caller] -= size
        if self.by_caller[caller] <= 0:
            del self.by_caller[caller]
        if self._changed is not None:
            # Wake every waiter once; each tries again, and the ones still refused wait on a
            # fresh event.
            self._changed.set()
            self._changed = None
