"""Peaks while something runs: a folder's size (a pod's /tmp) and a container's memory."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path

from tests.support.container import RunningContainer


def folder_bytes(folder: Path) -> int:
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            # A temporary file may go between the listing and the stat.
            with contextlib.suppress(FileNotFoundError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total


class Peaks(threading.Thread):
    """Samples a folder's size (a pod's /tmp) and a container's memory every 50 ms; keeps the
    peaks, and when the folder last grew. `with Peaks(...) as p:` around what to measure."""

    def __init__(self, folder: Path, container: RunningContainer | None = None) -> None:
        super().__init__(name="peaks", daemon=True)
        self.tmp = folder
        self.server = container
        self.stopped = threading.Event()
        self.tmp_bytes = 0
        self.rss_bytes = 0
        self.started = time.monotonic()
        self.peak_at = self.started  # when /tmp last grew: the spooling's end

    def run(self) -> None:
        while not self.stopped.is_set():
            used = folder_bytes(self.tmp)
            if used > self.tmp_bytes:
                self.tmp_bytes, self.peak_at = used, time.monotonic()
            if self.server is not None:
                self.rss_bytes = max(self.rss_bytes, self.server.rss_bytes())
            self.stopped.wait(0.05)

    def __enter__(self) -> Peaks:
        self.started = self.peak_at = self.ended = time.monotonic()
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.ended = time.monotonic()
        self.stopped.set()
        self.join(timeout=10)

    @property
    def growing_s(self) -> float:
        """Until the folder stopped growing (an upload: the server receiving it)."""
        return self.peak_at - self.started

    @property
    def after_s(self) -> float:
        """After that (an upload: the server's copy to the bucket)."""
        return self.ended - self.peak_at

    def phases(self) -> str:
        return f"{self.growing_s:.1f} s + {self.after_s:.1f} s"
