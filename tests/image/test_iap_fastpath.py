"""mlflow_server/iap_auth fastpath: MLflow's FastAPI permission middleware still sees every
request it decides something about, and nothing else is slowed by it."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from mlflow_iap_auth.fastpath import PermissionFastPath


def _auth(*, unprotected: set[str], validated: set[str], native: set[str]) -> Any:
    return SimpleNamespace(
        get_routed_asgi_path=lambda request: request.scope["path"],
        is_unprotected_route=lambda path: path in unprotected,
        _find_fastapi_validator=lambda path, method: (lambda: True) if path in validated else None,
        _scope_matches_native_route=lambda routes, scope: scope["path"] in native,
    )


@pytest.mark.parametrize(
    ("path", "through_mlflow"),
    [
        ("/health", False),
        ("/api/2.0/mlflow/runs/log-metric", False),  # Flask's: its before_request hook decides
        ("/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/x", True),  # a FastAPI validator
        ("/gateway/unvalidated", True),  # native without a validator: MLflow fails closed
    ],
)
def test_which_requests_reach_mlflows_middleware(
    path: str, through_mlflow: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth = _auth(
        unprotected={"/health"},
        validated={"/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/x"},
        native={"/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/x", "/gateway/unvalidated"},
    )
    seen: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append("app")

    async def dispatch(request: Any, call_next: Any) -> Any:
        seen.append("mlflow")
        return await call_next(request)

    fast = PermissionFastPath(app, dispatch, auth, native_routes=[])

    def full(scope: Any, receive: Any, send: Any) -> Any:
        return dispatch(None, lambda r: app(scope, receive, send))

    monkeypatch.setattr(fast, "full", full)
    scope = {"type": "http", "path": path, "method": "PUT", "headers": [], "query_string": b""}
    asyncio.run(fast(scope, None, None))
    assert seen == (["mlflow", "app"] if through_mlflow else ["app"])
