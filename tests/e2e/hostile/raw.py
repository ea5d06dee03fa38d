"""HTTP/1.1 spoken by hand over a socket, so nothing between the test and the server rewrites the
request: the path goes out byte for byte (no dot-segment removal, no percent re-encoding), header
names keep their spelling, case, duplicates and folding, and the Host header is whatever the
case says (or absent).

One request per connection (`Connection: close`); the reply is read to the end.
"""

from __future__ import annotations

import select
import socket
import ssl
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

TIMEOUT = 30.0


@dataclass(frozen=True)
class Answer:
    status: int
    headers: tuple[tuple[str, str], ...]  # as received, names lowercased
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name.lower()), None)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def request_bytes(
    method: str,
    target: str,
    headers: Sequence[tuple[str, str] | str],
    body: bytes | None,
) -> bytes:
    """The request as sent. `headers`: (name, value) pairs, or whole raw lines (for folding and
    malformed spellings). Content-Length is added for a body unless the case sets it."""
    lines = [f"{method} {target} HTTP/1.1"]
    names: set[str] = set()
    for h in headers:
        if isinstance(h, tuple):
            lines.append(f"{h[0]}: {h[1]}")
            names.add(h[0].lower())
        else:
            lines.append(h)
            names.add(h.split(":", 1)[0].strip().lower())
    if body is not None and "content-length" not in names and "transfer-encoding" not in names:
        lines.append(f"Content-Length: {len(body)}")
    if "connection" not in names:
        lines.append("Connection: close")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="strict")
    return head + (body or b"")


def connect(
    port: int, *, source: str, tls: ssl.SSLContext | None = None, server_name: str = ""
) -> socket.socket:
    """A connection to 127.0.0.1:port from the local address `source` (a peer of
    tests/e2e/peers.py), TLS-wrapped for the ingress stand-in."""
    sock = socket.create_connection(
        ("127.0.0.1", port), timeout=TIMEOUT, source_address=(source, 0)
    )
    if tls is not None:
        return tls.wrap_socket(sock, server_hostname=server_name)
    return sock


def exchange(sock: socket.socket, data: bytes) -> Answer:
    with sock:
        sock.sendall(data)
        return read_answer(sock)


def stream(sock: socket.socket, head: bytes, *, mib: int) -> Answer:
    """Send `head` (a chunked request's), then up to `mib` 1 MiB chunks, stopping as soon as
    the server answers or closes (a cap refuses early); then read the answer."""
    chunk = b"100000\r\n" + b"x" * (1 << 20) + b"\r\n"
    with sock:
        try:
            sock.sendall(head)
            for _ in range(mib):
                if select.select([sock], [], [], 0)[0]:
                    break
                sock.sendall(chunk)
            else:
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        return read_answer(sock)


def read_answer(sock: socket.socket) -> Answer:
    received = bytearray()
    while b"\r\n\r\n" not in received:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        received += chunk
    head, _, rest = bytes(received).partition(b"\r\n\r\n")
    if not head:
        raise ConnectionError("the server closed the connection without an answer")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    headers = tuple(
        (k.strip().lower(), v.strip()) for k, _, v in (h.partition(":") for h in header_lines)
    )
    answer = dict(headers)
    body = bytearray(rest)
    if answer.get("transfer-encoding", "").lower() == "chunked":
        return Answer(status, headers, _dechunk(sock, body))
    length = answer.get("content-length")
    want = int(length) if length is not None else None
    while want is None or len(body) < want:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not chunk:
            break
        body += chunk
    return Answer(status, headers, bytes(body if want is None else body[:want]))


def _dechunk(sock: socket.socket, buffered: bytearray) -> bytes:
    def more() -> bool:
        chunk = sock.recv(65536)
        buffered.extend(chunk)
        return bool(chunk)

    out = bytearray()
    for size in _chunk_sizes(buffered, more):
        while len(buffered) < size + 2 and more():
            pass
        out += buffered[:size]
        del buffered[: size + 2]
    return bytes(out)


def _chunk_sizes(buffered: bytearray, more: object) -> Iterator[int]:
    while True:
        while b"\r\n" not in buffered:
            if not more():  # type: ignore[operator]
                return
        line, _, _ = bytes(buffered).partition(b"\r\n")
        del buffered[: len(line) + 2]
        size = int(line.split(b";")[0] or b"0", 16)
        if size == 0:
            return
        yield size
