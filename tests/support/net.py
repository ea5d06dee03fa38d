"""Local ports, waiting, and HTTP to the servers the tests start on this machine.

Every helper here talks to 127.0.0.1 only; `cluster_dns` lets a client use a Service's
in-cluster name unchanged.
"""

from __future__ import annotations

import contextlib
import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from typing import Any


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(
    check: Callable[[], bool], *, timeout: float, what: str, interval: float = 0.2
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(interval)
    raise TimeoutError(f"{what}: not ready after {timeout:.0f} s")


def http_get(url: str, *, host: str | None = None, timeout: float = 5) -> tuple[int, str]:
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"{url}: the harness only talks to local servers")
    request = urllib.request.Request(url, headers={"Host": host} if host else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310
            return int(resp.status), resp.read().decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read().decode(errors="replace")


def http_json(
    method: str, url: str, body: Any = None, *, host: str | None = None, timeout: float = 30
) -> tuple[int, Any]:
    """A JSON request to a local server; the status and the decoded answer (None if empty)."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"{url}: the harness only talks to local servers")
    headers = {"Content-Type": "application/json", **({"Host": host} if host else {})}
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310
            status, text = int(resp.status), resp.read().decode()
    except urllib.error.HTTPError as exc:
        status, text = int(exc.code), exc.read().decode(errors="replace")
    return status, json.loads(text) if text.strip() else None


def wait_http_ok(
    url: str,
    *,
    host: str | None = None,
    timeout: float = 90,
    each: Callable[[], None] | None = None,
) -> None:
    """Poll url until it answers 200; `each` runs before every attempt (it may raise)."""

    def ok() -> bool:
        if each is not None:
            each()
        try:
            return http_get(url, host=host, timeout=2)[0] == 200
        except OSError:
            return False

    wait_for(ok, timeout=timeout, what=url, interval=0.25)


@contextlib.contextmanager
def cluster_dns(names: Mapping[tuple[str, int], tuple[str, int]]) -> Iterator[None]:
    """Resolve Service names (host, port) to the local address (host, port) in this process.

    Clients then use the in-cluster URL unchanged and send `Host: <service>.<ns>.svc.cluster
    .local:<port>`, as a pod in the cluster would; only name resolution is stood in for.
    """
    original = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        key = (str(host), int(port or 0))
        if key in names:
            host, port = names[key]
        return original(host, port, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo
    try:
        yield
    finally:
        socket.getaddrinfo = original
