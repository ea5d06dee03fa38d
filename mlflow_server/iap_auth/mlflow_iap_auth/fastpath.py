"""MLflow's FastAPI permission middleware, run only where it decides something.

MLflow 3.17's auth app adds `fastapi_permission_middleware` with `@app.middleware("http")`, a
Starlette BaseHTTPMiddleware, for the routes FastAPI serves itself (artifact transfers, the
gateway, OTLP). On every other request (every tracking call: those are Flask's, authorized
by its before_request hook) it only passes the request on, but BaseHTTPMiddleware still wraps
the request and response in streams and a task group, a measurable part of each logging
call's CPU time (bench/server_perf.py).

PermissionFastPath takes its place in the middleware stack and hands a request to it exactly
when its dispatch would do more than pass it on: a protected path with a FastAPI validator,
or a native FastAPI route without one (which MLflow's fail-closed rule refuses). The decision
uses MLflow's own functions, so the rules stay MLflow's.
"""

from __future__ import annotations

from typing import Any

from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request

DISPATCH_NAME = "fastapi_permission_middleware"


class PermissionFastPath:
    def __init__(self, app: Any, dispatch: Any, auth: Any, native_routes: list[Any]) -> None:
        self.app, self.auth, self.native_routes = app, auth, native_routes
        self.full = BaseHTTPMiddleware(app, dispatch=dispatch)

    def _decides(self, scope: dict[str, Any]) -> bool:
        auth = self.auth
        path = auth.get_routed_asgi_path(Request(scope))
        if auth.is_unprotected_route(path):
            return False
        if auth._find_fastapi_validator(path, scope["method"]) is not None:
            return True
        return auth._scope_matches_native_route(self.native_routes, scope)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and self._decides(scope):
            await self.full(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def install(fastapi_app: Any, auth: Any) -> None:
    """Swap MLflow's permission middleware for PermissionFastPath (before the stack is built)."""
    found = [
        i
        for i, m in enumerate(fastapi_app.user_middleware)
        if m.cls is BaseHTTPMiddleware
        and getattr(m.kwargs.get("dispatch"), "__name__", "") == DISPATCH_NAME
    ]
    if len(found) != 1:
        raise RuntimeError(
            f"expected one {DISPATCH_NAME} in MLflow's FastAPI app, found {len(found)}: "
            "this MLflow version differs from the one mlflow_iap_auth was written for"
        )
    (index,) = found
    dispatch = fastapi_app.user_middleware[index].kwargs["dispatch"]
    native_routes = auth._native_fastapi_routes(fastapi_app)
    fastapi_app.user_middleware[index] = Middleware(
        PermissionFastPath, dispatch=dispatch, auth=auth, native_routes=native_routes
    )
