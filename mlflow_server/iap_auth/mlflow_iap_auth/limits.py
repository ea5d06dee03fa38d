"""Bounded work per request, before MLflow buffers or spools anything (pure ASGI: it counts the
body as it passes, it never holds it).

What MLflow 3.17 would otherwise hold (settings/limits.py derives the numbers):

* Non-artifact bodies: every Flask route's body is read whole into memory before MLflow's
  permission check (mlflow/server/fastapi_app.py, _EfficientWSGIResponder), ~4x its size once
  parsed, and MLflow sets no limit. A Content-Length above LIMITS_BODY_MAX_BYTES is answered 413
  at once, a streamed (chunked) body is cut off with 413 when it passes it; the bytes buffered
  by all requests of the process share LIMITS_BODY_BUDGET_BYTES (503 when spent, 429 when the
  caller holds half of it).
* Artifact transfers (mlflow-artifacts uploads and downloads under /api/2.0 and /ajax-api/2.0,
  get-artifact, model-versions/get-artifact, logged-model files, trace artifacts): each is a
  whole file in the pod's /tmp (mlflow/server/artifact_router.py, handlers._send_artifact) for
  as long as the client takes. An upload reserves its Content-Length (413 above
  LIMITS_TRANSFER_MAX_BYTES, the largest file settings/transfers.py sized /tmp for; a streamed
  upload reserves that largest size and is cut off above it); a download reserves the largest
  size while MLflow copies the object to /tmp, then the size the response declares, if it
  declares one (the Flask routes do; mlflow-artifacts GET streams without a length, so it keeps
  the largest size). All share LIMITS_TRANSFER_BUDGET_BYTES: /tmp stays under its sizeLimit.

A request without room waits up to LIMITS_WAIT_SECONDS for others to finish, then gets 503
(the process is full) or 429 (the caller holds half of it already), with Retry-After: MLflow's
client retries both (mlflow/utils/request_utils.py, _TRANSIENT_FAILURE_RESPONSE_CODES, and
honours Retry-After). What a request reserved is given back when it ends, however it ends
(answered, refused, disconnected, failed).
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mlflow_entrypoint.contract import (
    LIMITS_BODY_BUDGET_BYTES_ENV,
    LIMITS_BODY_MAX_BYTES_ENV,
    LIMITS_TRANSFER_BUDGET_BYTES_ENV,
    LIMITS_TRANSFER_MAX_BYTES_ENV,
    LIMITS_WAIT_SECONDS_ENV,
)

from mlflow_iap_auth.budget import POD, Budget
from mlflow_iap_auth.callers import PRINCIPAL_HEADER
from mlflow_iap_auth.config import ConfigError

_log = logging.getLogger(__name__)
_PRINCIPAL = PRINCIPAL_HEADER.encode()
DEFAULT_WAIT_SECONDS = 10.0
# Retry-After: a body is buffered for milliseconds, a large transfer for minutes.
BODY_RETRY_AFTER = 5
TRANSFER_RETRY_AFTER = 30

# mlflow/server/artifact_router.py (uvicorn routes, PUT and GET) and handlers.py (the Flask
# routes behind them: list, mpu, delete carry no file).
_ARTIFACTS = ("/api/2.0/mlflow-artifacts/artifacts/", "/ajax-api/2.0/mlflow-artifacts/artifacts/")
# mlflow/server/__init__.py: the routes that copy an object to /tmp and send it.
_DOWNLOADS = frozenset(
    {
        "/get-artifact",
        "/model-versions/get-artifact",
        "/ajax-api/2.0/mlflow/get-trace-artifact",
        "/ajax-api/3.0/mlflow/get-trace-artifact",
    }
)
_LOGGED_MODEL_FILES = re.compile(r"/ajax-api/2\.0/mlflow/logged-models/[^/]+/artifacts/files")

UPLOAD, DOWNLOAD, BODY = "upload", "download", "body"


def kind(method: str, path: str) -> str:
    """What a request costs: an artifact UPLOAD or DOWNLOAD (/tmp), or a BODY (memory)."""
    if path.startswith(_ARTIFACTS):
        if method == "PUT":
            return UPLOAD
        if method in ("GET", "HEAD"):
            return DOWNLOAD
    elif method in ("GET", "HEAD") and (path in _DOWNLOADS or _LOGGED_MODEL_FILES.fullmatch(path)):
        return DOWNLOAD
    return BODY


@dataclass(frozen=True)
class LimitsConfig:
    body_max_bytes: int
    body_budget_bytes: int
    transfer_max_bytes: int
    transfer_budget_bytes: int
    wait_seconds: float = DEFAULT_WAIT_SECONDS

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LimitsConfig:
        env = os.environ if env is None else env

        def size(name: str) -> int:
            value = env.get(name, "")
            if not value:
                raise ConfigError(f"{name} is not set (the ConfigMap written by k8s/auth.py)")
            if not value.isdigit() or int(value) < 1:
                raise ConfigError(f"{name}={value!r} must be a positive number of bytes")
            return int(value)

        wait_text = env.get(LIMITS_WAIT_SECONDS_ENV) or str(DEFAULT_WAIT_SECONDS)
        try:
            wait = float(wait_text)
        except ValueError:
            wait = -1.0
        if not 0 <= wait <= 600:
            raise ConfigError(f"{LIMITS_WAIT_SECONDS_ENV}={wait_text!r} must be 0 to 600 seconds")
        config = cls(
            body_max_bytes=size(LIMITS_BODY_MAX_BYTES_ENV),
            body_budget_bytes=size(LIMITS_BODY_BUDGET_BYTES_ENV),
            transfer_max_bytes=size(LIMITS_TRANSFER_MAX_BYTES_ENV),
            transfer_budget_bytes=size(LIMITS_TRANSFER_BUDGET_BYTES_ENV),
            wait_seconds=wait,
        )
        for budget, cap in (
            (LIMITS_BODY_BUDGET_BYTES_ENV, LIMITS_BODY_MAX_BYTES_ENV),
            (LIMITS_TRANSFER_BUDGET_BYTES_ENV, LIMITS_TRANSFER_MAX_BYTES_ENV),
        ):
            if int(env[budget]) < int(env[cap]):
                raise ConfigError(
                    f"{budget}={env[budget]} is below {cap}={env[cap]}: one request at the cap "
                    "could never be admitted"
                )
        return config


def install(app: Any) -> LimitsMiddleware:
    """`app` behind the limits the pod's environment sets (a bad value stops the start)."""
    return LimitsMiddleware(app, LimitsConfig.from_env())


class _Cut(Exception):
    """Raised into the app from `receive` once its refusal has been sent."""


class LimitsMiddleware:
    """Inside IapMiddleware (the caller is known: the principal header it appended)."""

    def __init__(self, app: Any, config: LimitsConfig) -> None:
        self.app, self.config = app, config
        # A caller holds at most half of each budget, and always room for one item at its cap.
        self.bodies = Budget(
            config.body_budget_bytes, max(config.body_max_bytes, config.body_budget_bytes // 2)
        )
        self.transfers = Budget(
            config.transfer_budget_bytes,
            max(config.transfer_max_bytes, config.transfer_budget_bytes // 2),
        )

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        what = kind(method, path)
        principals = [v for k, v in scope["headers"] if k == _PRINCIPAL]
        caller = principals[-1].decode("latin-1") if principals else None
        lengths = [v for k, v in scope["headers"] if k == b"content-length"]
        if len(lengths) > 1 or (lengths and not lengths[0].isdigit()):
            await _answer(send, 400, "BAD_REQUEST", "one numeric Content-Length at most")
            return
        length = int(lengths[0]) if lengths else None
        if what == BODY:
            budget, cap, retry = self.bodies, self.config.body_max_bytes, BODY_RETRY_AFTER
        else:
            budget, cap = self.transfers, self.config.transfer_max_bytes
            retry = TRANSFER_RETRY_AFTER
        if what != DOWNLOAD and length is not None and length > cap:
            self._refused(scope, caller, f"{length}-byte body over {cap}")
            await _too_large(send, what, cap)
            return
        # Reserved up front: a declared body; a streamed upload or a download at the cap (their
        # size is unknown until they end). A streamed body reserves as its bytes arrive.
        if what == BODY:
            up_front = length or 0
        else:
            up_front = cap if what == DOWNLOAD or length is None else length
        refusal = (
            await budget.take(caller, up_front, self.config.wait_seconds) if up_front else None
        )
        if refusal is not None:
            self._refused(scope, caller, f"no room for {up_front} bytes ({refusal})")
            await _busy(send, refusal, retry)
            return

        held, received = up_front, 0
        answered = started = False

        async def receive_counted() -> Any:
            nonlocal held, received, answered
            message = await receive()
            if message["type"] != "http.request":
                return message
            received += len(message.get("body", b""))
            if received > cap:
                answered = True
                self._refused(scope, caller, f"streamed body over {cap}")
                if not started:
                    await _too_large(send, what, cap)
                raise _Cut
            if received > held:
                refusal = budget.try_take(caller, received - held)
                if refusal is not None:
                    answered = True
                    self._refused(scope, caller, f"no room for a streamed body ({refusal})")
                    if not started:
                        await _busy(send, refusal, retry)
                    raise _Cut
                held = received
            return message

        async def send_watched(message: Any) -> None:
            nonlocal held, started
            if answered:
                return  # the app answering the cut-off request: the client has its refusal
            if message["type"] == "http.response.start":
                started = True
                if what == DOWNLOAD:
                    declared = [v for k, v in message.get("headers", []) if k == b"content-length"]
                    if declared and declared[0].isdigit() and int(declared[0]) < held:
                        budget.give(caller, held - int(declared[0]))
                        held = int(declared[0])
            await send(message)

        try:
            await self.app(scope, receive_counted, send_watched)
        except Exception:
            if not answered:
                raise
            # The app's reaction to the cut (its error, or a half-read body it gave up on):
            # the client already has its refusal.
        finally:
            budget.give(caller, held)

    def _refused(self, scope: dict[str, Any], caller: str | None, why: str) -> None:
        client = scope.get("client")
        _log.warning(
            "limits: refused %s %s from %s (%s): %s",
            scope["method"],
            scope["path"],
            caller,
            client[0] if client else None,
            why,
        )


async def _too_large(send: Any, what: str, cap: int) -> None:
    thing = "an artifact file" if what == UPLOAD else "a request body (not an artifact)"
    await _answer(
        send,
        413,
        "REQUEST_LIMIT_EXCEEDED",
        f"{thing} may be at most {cap} bytes on this server",
    )


async def _busy(send: Any, refusal: str, retry: int) -> None:
    if refusal == POD:
        status, code, text = 503, "TEMPORARILY_UNAVAILABLE", "the server is busy"
    else:
        status, code, text = 429, "REQUEST_LIMIT_EXCEEDED", "too many large requests of yours"
    await _answer(send, status, code, f"{text}: retry in {retry} s", retry)


async def _answer(
    send: Any, status: int, code: str, message: str, retry: int | None = None
) -> None:
    """MLflow's error shape ({"error_code", "message"}), which its client reads."""
    body = json.dumps({"error_code": code, "message": message}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if retry is not None:
        headers.append((b"retry-after", str(retry).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
