"""mlflow_iap_auth.limits: bounded work per request, driven through the ASGI layer.

A stand-in app plays MLflow: it reads the body as MLflow's routes do (all of it), or holds a
download open until the test lets it go. No clock: nothing waits (LIMITS_WAIT_SECONDS 0), except
the one test of waiting, which is released by another request's end, not by time.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from mlflow_iap_auth.callers import PRINCIPAL_HEADER
from mlflow_iap_auth.limits import (
    BODY,
    DOWNLOAD,
    UPLOAD,
    LimitsConfig,
    LimitsMiddleware,
    kind,
)

KIB = 1024
CONFIG = LimitsConfig(
    body_max_bytes=100 * KIB,
    body_budget_bytes=300 * KIB,
    transfer_max_bytes=1000 * KIB,
    transfer_budget_bytes=2000 * KIB,
    wait_seconds=0,
)
UPLOAD_PATH = "/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/model.bin"
DOWNLOAD_PATH = "/ajax-api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/model.bin"
LOG_BATCH = "/api/2.0/mlflow/runs/log-batch"


class Mlflow:
    """Reads the whole body (as the WSGI bridge and the upload route do), then answers 200;
    `hold` keeps a request open (a stalled download) until `release` is set."""

    def __init__(self, hold: bool = False, length: int | None = None, fail: bool = False) -> None:
        self.hold, self.length, self.fail = hold, length, fail
        self.release = asyncio.Event()
        self.bodies: list[int] = []
        self.entered = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.entered += 1
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ConnectionResetError("client went away")  # Starlette: ClientDisconnect
            size += len(message.get("body", b""))
            more = message.get("more_body", False)
        self.bodies.append(size)
        if self.fail:
            raise RuntimeError("MLflow failed")
        headers = [] if self.length is None else [(b"content-length", str(self.length).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        if self.hold:
            await self.release.wait()
        await send({"type": "http.response.body", "body": b"ok"})


def scope(method: str, path: str, *, user: str = "alice@example.com", length: int | None = None):
    headers = [(PRINCIPAL_HEADER.encode(), user.encode())]
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    return {
        "type": "http",
        "method": method,
        "path": path,
        "headers": headers,
        "client": ("127.0.0.2", 1),
    }


def body(chunks: list[int], *, then_disconnect: bool = False) -> Callable[[], Awaitable[Any]]:
    """A client sending `chunks` (sizes); after them, a disconnect or nothing more."""
    messages: list[dict[str, Any]] = [
        {
            "type": "http.request",
            "body": b"x" * n,
            "more_body": i < len(chunks) - 1 or then_disconnect,
        }
        for i, n in enumerate(chunks)
    ] or [{"type": "http.request", "body": b"", "more_body": False}]
    if then_disconnect:
        messages.append({"type": "http.disconnect"})
    sent = iter(messages)

    async def receive() -> Any:
        try:
            return next(sent)
        except StopIteration:
            await asyncio.Event().wait()  # a client that has nothing more to say

    return receive


class Client:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def __call__(self, message: Any) -> None:
        self.messages.append(message)

    @property
    def status(self) -> int:
        (start,) = [m for m in self.messages if m["type"] == "http.response.start"]
        return int(start["status"])

    def header(self, name: bytes) -> bytes | None:
        (start,) = [m for m in self.messages if m["type"] == "http.response.start"]
        return dict(start["headers"]).get(name)

    def error(self) -> dict[str, Any]:
        return json.loads(b"".join(m.get("body", b"") for m in self.messages[1:]))


async def call(app: LimitsMiddleware, s: dict[str, Any], receive: Any) -> Client:
    client = Client()
    await app(s, receive, client)
    return client


def run(coro: Awaitable[Any]) -> Any:
    return asyncio.run(coro)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("PUT", UPLOAD_PATH, UPLOAD),
        ("PUT", UPLOAD_PATH.replace("/api/", "/ajax-api/"), UPLOAD),
        ("GET", DOWNLOAD_PATH, DOWNLOAD),
        ("GET", "/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/x", DOWNLOAD),
        ("HEAD", "/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/x", DOWNLOAD),
        ("GET", "/get-artifact", DOWNLOAD),
        ("GET", "/model-versions/get-artifact", DOWNLOAD),
        ("GET", "/ajax-api/2.0/mlflow/get-trace-artifact", DOWNLOAD),
        ("GET", "/ajax-api/3.0/mlflow/get-trace-artifact", DOWNLOAD),
        ("GET", "/ajax-api/2.0/mlflow/logged-models/m-1/artifacts/files", DOWNLOAD),
        ("POST", LOG_BATCH, BODY),
        ("POST", "/ajax-api/2.0/mlflow/upload-artifact", BODY),  # the UI's 10 MB upload: Flask
        ("POST", "/api/2.0/mlflow-artifacts/mpu/create/1/r/artifacts/x", BODY),
        ("DELETE", "/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/x", BODY),
        ("GET", "/api/2.0/mlflow-artifacts/artifacts", BODY),  # the listing
        ("POST", "/get-artifact", BODY),
    ],
)
def test_what_each_route_costs(method: str, path: str, expected: str) -> None:
    assert kind(method, path) == expected


def test_a_declared_body_over_the_cap_is_refused_before_a_byte_is_read() -> None:
    mlflow = Mlflow()
    app = LimitsMiddleware(mlflow, CONFIG)

    async def never() -> Any:
        raise AssertionError("the body was read")

    client = run(call(app, scope("POST", LOG_BATCH, length=100 * KIB + 1), never))
    assert client.status == 413
    assert client.error()["error_code"] == "REQUEST_LIMIT_EXCEEDED"
    assert str(100 * KIB) in client.error()["message"]
    assert mlflow.entered == 0
    assert app.bodies.used == 0


def test_a_body_at_the_cap_goes_through_and_its_bytes_are_given_back() -> None:
    mlflow = Mlflow()
    app = LimitsMiddleware(mlflow, CONFIG)
    client = run(call(app, scope("POST", LOG_BATCH, length=100 * KIB), body([60 * KIB, 40 * KIB])))
    assert client.status == 200
    assert mlflow.bodies == [100 * KIB]
    assert (app.bodies.used, dict(app.bodies.by_caller)) == (0, {})


def test_a_chunked_body_is_cut_off_with_413_once_over_the_cap() -> None:
    mlflow = Mlflow()
    app = LimitsMiddleware(mlflow, CONFIG)
    client = run(call(app, scope("POST", LOG_BATCH), body([64 * KIB, 64 * KIB, 64 * KIB])))
    assert client.status == 413
    assert mlflow.bodies == []  # MLflow never got a whole (or a truncated) body to act on
    assert [m["type"] for m in client.messages] == ["http.response.start", "http.response.body"]
    assert app.bodies.used == 0


def test_a_slow_stream_counts_every_chunk() -> None:
    """A body dribbled in tiny pieces is counted the same as one sent at once."""
    app = LimitsMiddleware(Mlflow(), CONFIG)
    client = run(call(app, scope("POST", LOG_BATCH), body([1] * (100 * KIB + 1))))
    assert client.status == 413
    ok = run(call(app, scope("POST", LOG_BATCH), body([1] * (100 * KIB))))
    assert ok.status == 200
    assert app.bodies.used == 0


def test_bodies_share_the_process_budget_and_each_caller_half_of_it() -> None:
    async def scenario() -> tuple[int, int, int, int]:
        mlflow = Mlflow(hold=True)
        app = LimitsMiddleware(mlflow, CONFIG)
        # alice holds 150 KiB of 300 (her half): her next body gets 429 ...
        first = [
            asyncio.create_task(
                call(app, scope("POST", LOG_BATCH, length=75 * KIB), body([75 * KIB]))
            )
            for _ in range(2)
        ]
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        alice = await call(app, scope("POST", LOG_BATCH, length=KIB), body([KIB]))
        # ... bob still has room until the process's budget is spent: then 503.
        bob = [
            asyncio.create_task(
                call(app, scope("POST", LOG_BATCH, user="bob@x", length=70 * KIB), body([70 * KIB]))
            )
            for _ in range(2)
        ]
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        carol = await call(
            app, scope("POST", LOG_BATCH, user="carol@x", length=20 * KIB), body([20 * KIB])
        )
        used = app.bodies.used
        mlflow.release.set()
        done = await asyncio.gather(*first, *bob)
        assert {c.status for c in done} == {200}
        assert alice.header(b"retry-after")
        assert carol.header(b"retry-after")
        return alice.status, carol.status, used, app.bodies.used

    assert run(scenario()) == (429, 503, 290 * KIB, 0)


def test_an_upload_over_the_largest_file_is_refused_413() -> None:
    app = LimitsMiddleware(Mlflow(), CONFIG)
    client = run(call(app, scope("PUT", UPLOAD_PATH, length=1000 * KIB + 1), body([])))
    assert client.status == 413
    assert "artifact file" in client.error()["message"]
    streamed = run(call(app, scope("PUT", UPLOAD_PATH), body([600 * KIB, 600 * KIB])))
    assert streamed.status == 413
    assert app.transfers.used == 0


def test_an_upload_at_the_largest_size_goes_through() -> None:
    """What settings/transfers.py promises (artifact_transfers.largest) still works."""
    mlflow = Mlflow()
    app = LimitsMiddleware(mlflow, CONFIG)
    client = run(call(app, scope("PUT", UPLOAD_PATH, length=1000 * KIB), body([500 * KIB] * 2)))
    assert client.status == 200
    assert mlflow.bodies == [1000 * KIB]


def test_transfers_beyond_the_tmp_budget_get_503_with_retry_after() -> None:
    """Stalled downloads: each holds a largest file's room in /tmp; the budget holds two, one
    per caller; the third caller gets 503, the first caller's second one 429."""

    async def scenario() -> list[Any]:
        mlflow = Mlflow(hold=True)
        app = LimitsMiddleware(mlflow, CONFIG)
        held = [
            asyncio.create_task(call(app, scope("GET", DOWNLOAD_PATH, user=u), body([])))
            for u in ("mallory@x", "bob@x")
        ]
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        again = await call(app, scope("GET", DOWNLOAD_PATH, user="mallory@x"), body([]))
        other = await call(app, scope("GET", DOWNLOAD_PATH, user="carol@x"), body([]))
        upload = await call(app, scope("PUT", UPLOAD_PATH, user="carol@x", length=KIB), body([KIB]))
        used = app.transfers.used
        mlflow.release.set()
        done = await asyncio.gather(*held)
        return [
            [c.status for c in done],
            again.status,
            other.status,
            other.header(b"retry-after"),
            upload.status,
            used,
            app.transfers.used,
        ]

    assert run(scenario()) == [[200, 200], 429, 503, b"30", 503, 2000 * KIB, 0]


def test_a_download_that_declares_its_length_holds_only_that() -> None:
    """get-artifact (Flask send_file) declares Content-Length: once the file is in /tmp, the
    room reserved for a largest file shrinks to it, and small downloads no longer queue."""

    async def scenario() -> tuple[list[int], int]:
        mlflow = Mlflow(hold=True, length=10 * KIB)
        app = LimitsMiddleware(mlflow, CONFIG)
        tasks = [
            asyncio.create_task(call(app, scope("GET", "/get-artifact", user=f"u{i}@x"), body([])))
            for i in range(50)
        ]
        for _ in range(5):
            await asyncio.sleep(0)
        used = app.transfers.used
        mlflow.release.set()
        return [c.status for c in await asyncio.gather(*tasks)], used

    statuses, used = run(scenario())
    assert statuses == [200] * 50
    assert used == 50 * 10 * KIB


@pytest.mark.parametrize("how", ["disconnect", "exception", "cancelled"])
def test_the_room_is_given_back_however_the_request_ends(how: str) -> None:
    async def scenario() -> tuple[int, int]:
        mlflow = Mlflow(fail=how == "exception", hold=how == "cancelled")
        app = LimitsMiddleware(mlflow, CONFIG)
        s = scope("PUT", UPLOAD_PATH, length=800 * KIB)
        if how == "cancelled":  # uvicorn cancels the app when the connection is lost
            task = asyncio.create_task(call(app, s, body([800 * KIB])))
            for _ in range(3):
                await asyncio.sleep(0)
            during = app.transfers.used
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        else:
            receive = body([400 * KIB], then_disconnect=how == "disconnect")
            during = 800 * KIB
            with pytest.raises((ConnectionResetError, RuntimeError)):
                await call(app, s, receive if how == "disconnect" else body([800 * KIB]))
        return during, app.transfers.used

    assert run(scenario()) == (800 * KIB, 0)


def test_a_request_waits_for_room_that_another_request_gives_back() -> None:
    async def scenario() -> list[int]:
        mlflow = Mlflow(hold=True)
        app = LimitsMiddleware(mlflow, LimitsConfig(**{**CONFIG.__dict__, "wait_seconds": 600}))
        held = [
            asyncio.create_task(call(app, scope("GET", DOWNLOAD_PATH, user=u), body([])))
            for u in ("a@x", "b@x")
        ]
        await asyncio.sleep(0)
        waiting = asyncio.create_task(call(app, scope("GET", DOWNLOAD_PATH, user="c@x"), body([])))
        await asyncio.sleep(0)
        assert not waiting.done()
        mlflow.release.set()  # the two held downloads end: the waiting one is admitted
        return [c.status for c in await asyncio.gather(*held, waiting)]

    assert run(scenario()) == [200, 200, 200]


@pytest.mark.parametrize("value", ["12", "1e3", "-1", "abc", "1.5"])
def test_a_bad_content_length_is_refused_not_crashed_on(value: str) -> None:
    app = LimitsMiddleware(Mlflow(), CONFIG)
    s = scope("POST", LOG_BATCH)
    s["headers"] = [*s["headers"], (b"content-length", value.encode())]
    if value == "12":
        s["headers"].append((b"content-length", b"12"))  # two of them
    assert run(call(app, s, body([12]))).status == 400
