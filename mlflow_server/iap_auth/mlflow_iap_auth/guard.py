"""The request's shape, checked before anyone reads it: the outermost layer, and one inside.

RequestGuard (outside IapMiddleware) first drops the trailing `.` segments of artifact path
query parameters (`<dir>/.` is `<dir>`: paths.canonical_query), then refuses, before any
identity is decided:
* header spellings that another layer would read differently (headers.py): 400;
* paths with more than one spelling (paths.py): 400;
* an `Origin` that is not exactly one of MLFLOW_SERVER_CORS_ALLOWED_ORIGINS: 403. MLflow's
  own CORS guard (mlflow/server/security_utils.py, should_block_cors_request) admits every
  http://localhost:<any port> origin, and checks state-changing methods only; here any request
  that carries a foreign Origin (a browser sends one on every cross-origin fetch and every
  POST) is refused, `Origin: null` included. Same-origin GETs carry none.

ExperimentScope (inside IapMiddleware, which has appended the caller's principal) closes
MLflow's default-permission fallback for artifact proxy paths that name no experiment: such a
path (the store's root, `workspaces/...`, an experiment created with a custom
`mlflow-artifacts:/name` location) is refused (403) to everyone but the configured admins.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from mlflow_entrypoint.contract import MLFLOW_SERVER_CORS_ALLOWED_ORIGINS_ENV

from mlflow_iap_auth import paths
from mlflow_iap_auth.callers import PRINCIPAL_HEADER
from mlflow_iap_auth.headers import header_refusal, single

_log = logging.getLogger(__name__)


def allowed_origins(env: Mapping[str, str]) -> frozenset[str]:
    """The exact origins (MLflow's variable, split as MLflow splits it); none if unset."""
    value = env.get(MLFLOW_SERVER_CORS_ALLOWED_ORIGINS_ENV, "")
    return frozenset(o.strip() for o in value.split(",") if o.strip())


def refusal(scope: dict[str, Any], origins: frozenset[str]) -> tuple[int, str] | None:
    """(status, reason) when the request is refused for its shape, else None."""
    headers = scope.get("headers") or []
    if reason := header_refusal(headers):
        return 400, reason
    if reason := paths.path_refusal(scope):
        return 400, reason
    origin = single(headers, "origin")
    if origin is not None and origin not in origins:
        return 403, f"the origin {origin!r} is not one of this server's origins"
    return None


class RequestGuard:
    """Pure ASGI: refuses a malformed request with a plain-text reason, else passes it on."""

    def __init__(self, app: Any, *, origins: frozenset[str] | None = None) -> None:
        self.app = app
        self.origins = allowed_origins(os.environ) if origins is None else origins

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            query = scope.get("query_string") or b""
            canonical = paths.canonical_query(query)
            if canonical != query:
                scope = {**scope, "query_string": canonical}
        if scope["type"] == "http" and (refused := refusal(scope, self.origins)):
            status, reason = refused
            client = scope.get("client")
            _log.warning(
                "IAP: refused %s %r from %s: %s",
                scope.get("method"),
                scope.get("raw_path") or scope.get("path"),
                client[0] if client else None,
                reason,
            )
            await plain(send, status, f"IAP: {reason}")
            return
        await self.app(scope, receive, send)


class ExperimentScope:
    """Pure ASGI, after IapMiddleware: artifact proxy paths must name an experiment."""

    def __init__(self, app: Any, admins: frozenset[str]) -> None:
        self.app, self.admins = app, admins

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            store_path = paths.artifact_proxy_path(scope)
            if store_path is not None and not paths.names_an_experiment(store_path):
                principal = single(scope.get("headers") or [], PRINCIPAL_HEADER)
                if principal not in self.admins:
                    _log.warning("IAP: refused %s %r to %s", scope["method"], store_path, principal)
                    reason = (
                        f"the artifact path {store_path!r} names no experiment "
                        "(<experiment id>/...): only an admin may use it"
                    )
                    await plain(send, 403, f"IAP: {reason}")
                    return
        await self.app(scope, receive, send)


async def plain(send: Any, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
