"""Large and stalled HTTP requests, sent the way an attacker would (raw sockets: a declared or a
chunked body generated on the fly, a download whose body is never read), for the e2e tests of
bounded work (tests/e2e/test_request_limits.py) and its benchmark (bench/attack_peaks.py).

Nothing is held in memory on this side: a body is one repeated block.
"""

from __future__ import annotations

import contextlib
import select
import socket
from dataclasses import dataclass, field

MIB = 2**20
_BLOCK = b'{"filler": "' + b"x" * (MIB - 16) + b'"}\n'


@dataclass
class Answer:
    """What came back: a status (None: the server closed the connection before answering), its
    headers, the first bytes of its body; `sock` stays open for a stalled download."""

    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    sock: socket.socket | None = None

    def close(self) -> None:
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.close()
            self.sock = None


def _connect(port: int, source: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=600, source_address=(source, 0))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _head(method: str, path: str, host: str, headers: dict[str, str]) -> bytes:
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {host}",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _read_head(sock: socket.socket, data: bytes = b"") -> Answer:
    """The status line and headers (and what of the body came with them)."""
    while b"\r\n\r\n" not in data:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            return Answer(None)
        if not chunk:
            return Answer(None)
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    status = int(status_line.split()[1])
    # A short answer (a refusal) is read whole; a download's body is left in the socket.
    length = int(headers.get("content-length", "-1"))
    while status != 100 and 0 <= length <= 65536 and len(rest) < length:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            break
        if not chunk:
            break
        rest += chunk
    return Answer(status, headers, rest, sock)


def _answered(sock: socket.socket) -> bool:
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable)


def send_body(
    port: int,
    method: str,
    path: str,
    size: int,
    *,
    host: str,
    source: str = "127.0.0.1",
    headers: dict[str, str] | None = None,
    chunked: bool = False,
) -> Answer:
    """A body of `size` bytes, declared (Content-Length) or chunked; stops sending as soon as
    the server answers (a refusal before the body), and reads the answer."""
    sent = {**(headers or {}), "Content-Type": "application/json"}
    if chunked:
        sent["Transfer-Encoding"] = "chunked"
    else:
        # The server says 100 Continue when the application starts reading (uvicorn): a
        # refusal before the body comes instead, and nothing of the body is sent.
        sent["Content-Length"] = str(size)
        sent["Expect"] = "100-continue"
    sock = _connect(port, source)
    try:
        sock.sendall(_head(method, path, host, sent))
        if not chunked:
            interim = _read_head(sock)
            if interim.status != 100:
                interim.sock = None
                return interim
            pending = interim.body
        left = size
        try:
            while left and (not chunked or not _answered(sock)):
                block = _BLOCK[: min(len(_BLOCK), left)]
                if chunked:
                    sock.sendall(f"{len(block):x}\r\n".encode() + block + b"\r\n")
                else:
                    sock.sendall(block)
                left -= len(block)
            if chunked and not left:
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading: its answer, if any, is there to read
        answer = _read_head(sock, b"" if chunked else pending)
        answer.sock = None
        return answer
    finally:
        sock.close()


def stalled_get(
    port: int,
    path: str,
    *,
    host: str,
    source: str = "127.0.0.1",
    headers: dict[str, str] | None = None,
) -> Answer:
    """A download whose body the client never reads: returns when the answer starts, with the
    connection open (Answer.close() lets it go)."""
    sock = _connect(port, source)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.sendall(_head("GET", path, host, headers or {}))
    answer = _read_head(sock)
    if answer.status is None:
        sock.close()
    return answer
