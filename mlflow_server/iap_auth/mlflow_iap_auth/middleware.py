"""The outermost ASGI layer: decide the caller (callers.decide) before MLflow sees the request.

Pure ASGI rather than Starlette's BaseHTTPMiddleware, which would buffer every artifact
upload and download.
"""

from __future__ import annotations

import logging
from typing import Any

import anyio.to_thread

from mlflow_iap_auth.assertion import KeysUnavailable, Refused, Verifier
from mlflow_iap_auth.audience import AudienceUnknown
from mlflow_iap_auth.callers import (
    ASSERTION_HEADER,
    PORT_FORWARD,
    PRINCIPAL_HEADER,
    current,
    decide,
)
from mlflow_iap_auth.config import IapConfig

_log = logging.getLogger(__name__)
_ASSERTION = ASSERTION_HEADER.encode()
_PRINCIPAL = PRINCIPAL_HEADER.encode()


class IapMiddleware:
    def __init__(self, app: Any, config: IapConfig, verifier: Verifier) -> None:
        self.app, self.config, self.verifier = app, config, verifier

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope["headers"] if k != _PRINCIPAL]
        assertions = [v for k, v in headers if k == _ASSERTION]
        client = scope.get("client")
        peer = client[0] if client else None
        try:
            if len(assertions) > 1:
                raise Refused(f"more than one {ASSERTION_HEADER}")
            assertion = assertions[0].decode("latin-1") if assertions else None

            def run() -> Any:
                return decide(
                    self.config,
                    self.verifier,
                    method=scope["method"],
                    path=scope["path"],
                    peer=peer,
                    assertion=assertion,
                )

            # A new assertion may need a key set fetch, which blocks: off the event loop. A
            # verified one is cached until it expires, so this is rare (one per user per token).
            if assertion is None or self.verifier.is_cached(assertion):
                decision = run()
            else:
                decision = await anyio.to_thread.run_sync(run)
        except Refused as exc:
            _log.warning(
                "IAP: refused %s %s from %s: %s", scope["method"], scope["path"], peer, exc
            )
            await _plain(send, 403, f"IAP: {exc}")
            return
        except KeysUnavailable as exc:
            _log.error("IAP: %s", exc)
            await _plain(send, 503, "IAP: Google's IAP key set is unavailable")
            return
        except AudienceUnknown as exc:
            _log.warning(
                "IAP: refused %s %s from %s: %s", scope["method"], scope["path"], peer, exc
            )
            await _plain(send, 503, f"IAP: {exc}", retry_after=exc.retry_after)
            return
        if decision.via == PORT_FORWARD:
            # Break-glass: everyone who may port-forward shares this identity, so each use is
            # on the record (Cloud Logging keeps the container's stderr).
            _log.warning(
                "port-forward: %s %s from %s as %s",
                scope["method"],
                scope["path"],
                peer,
                decision.principal,
            )
        current.set(decision)
        if decision.principal is not None:
            headers.append((_PRINCIPAL, decision.principal.encode()))
        await self.app({**scope, "headers": headers}, receive, send)


async def _plain(send: Any, status: int, text: str, retry_after: int | None = None) -> None:
    body = text.encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
    ]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
