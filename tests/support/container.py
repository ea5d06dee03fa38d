"""A container's processes on this machine: what a container runtime starts, kills, restarts
and measures."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tests.support.net import wait_for

if TYPE_CHECKING:
    from tests.support.pod import Container


@dataclass
class RunningContainer:
    """A container's process group: what a container runtime starts, kills and restarts."""

    container: Container
    log_dir: Path
    proc: subprocess.Popen[bytes]
    log_path: Path
    restarts: int = 0

    @classmethod
    def start(cls, container: Container, log_dir: Path, restarts: int = 0) -> RunningContainer:
        log_dir.mkdir(parents=True, exist_ok=True)
        log_path = log_dir / f"{container.name}-{restarts}.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                container.argv,
                env=container.env,
                cwd=log_dir,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, as a container's processes
            )
        return cls(container, log_dir, proc, log_path, restarts)

    def logs(self) -> str:
        return "".join(
            p.read_text(errors="replace")
            for p in sorted(self.log_dir.glob(f"{self.container.name}-*.log"))
        )

    def pids(self) -> list[int]:
        """Every live process of the container (its process group)."""
        out = subprocess.run(
            ["ps", "-o", "pid=", "-g", str(self.proc.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        return [int(p) for p in out.split()]

    def rss_bytes(self) -> int:
        """Resident memory of the whole process tree, as the container's cgroup would count."""
        total = 0
        for pid in self.pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        return total

    def listens_on(self, port: int) -> bool:
        """Whether one of this container's processes holds the listening socket on port."""
        out = subprocess.run(
            ["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True, check=False
        ).stdout
        return any(int(pid) in self.pids() for pid in re.findall(r"pid=(\d+)", out))

    def kill(self) -> None:
        """SIGKILL to every process of the container, as an OOM kill or a node failure does."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        wait_for(lambda: not self.pids(), timeout=30, what=f"{self.container.name} to die")

    def restart(self) -> RunningContainer:
        """What the kubelet does after a container died: start it again (init containers don't
        run again on a container restart)."""
        return RunningContainer.start(self.container, self.log_dir, self.restarts + 1)

    def stop(self, grace: float = 20) -> None:
        """SIGTERM, then SIGKILL after the grace period, as the kubelet stops a container."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=grace)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
