"""The plugin's ASGI stack as app.py builds it (RequestGuard -> IapMiddleware ->
ExperimentScope), in front of a real Flask app mounted as MLflow mounts its own
(mlflow.server.fastapi_app), which reads the identity header as identity.py does: what reaches
MLflow is what Flask would see. Requests come from the port-forward peer (127.0.0.1)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

import anyio
from flask import Flask, request
from mlflow.server.fastapi_app import _EfficientWSGIMiddleware
from mlflow_iap_auth.assertion import KeySet, Verifier
from mlflow_iap_auth.audience import audience_for
from mlflow_iap_auth.callers import PRINCIPAL_HEADER
from mlflow_iap_auth.config import IapConfig
from mlflow_iap_auth.guard import ExperimentScope, RequestGuard
from mlflow_iap_auth.middleware import IapMiddleware

PORT_FORWARD_USER = "kubectl-port-forward"
ENV = {
    "IAP_PROJECT_NUMBER": "123456789012",
    "IAP_ADMINS": "root@example.com",
    "IAP_PORT_FORWARD_USER": PORT_FORWARD_USER,
    "IAP_AUTH_DATABASE_URI": "postgresql+psycopg://u@127.0.0.1/mlflow_auth",
    # Pinned: no backend service lookup in these tests.
    "IAP_BACKEND_SERVICE_ID": "4242",
}
ORIGINS = frozenset({"https://mlflow.example.com", "http://localhost:5000"})
# A run id's shape (uuid4().hex), built so that no high-entropy literal sits in the repository.
RUN = "0123456789abcdef" * 2
SECRET = f"/api/2.0/mlflow-artifacts/artifacts/1/{RUN}/artifacts/s.txt"


def _flask() -> Flask:
    flask = Flask("probe")

    @flask.route("/", defaults={"rest": ""}, methods=["GET", "POST", "PUT", "DELETE"])
    @flask.route("/<path:rest>", methods=["GET", "POST", "PUT", "DELETE"])
    def echo(rest: str) -> Any:
        # identity._principal reads exactly this.
        return {
            "principal": request.headers.get(PRINCIPAL_HEADER),
            "path": request.path,
            "args": request.args.to_dict(flat=False),
        }

    return flask


def stack(*, admin: bool = False) -> Any:
    config = IapConfig.from_env(ENV)
    # The calls come from port-forward's peer, which is never an admin (config.py refuses it
    # in IAP_ADMINS): the admin stack lists that caller among ExperimentScope's admins only.
    admins = config.admins | {PORT_FORWARD_USER} if admin else config.admins

    def no_keys(url: str) -> Any:
        raise AssertionError("no key set fetch in these tests")

    verifier = Verifier(config, KeySet(config.keys_url, fetch=no_keys), audience_for(config))
    inner = ExperimentScope(_EfficientWSGIMiddleware(_flask()), admins)
    return RequestGuard(IapMiddleware(inner, config, verifier), origins=ORIGINS)


STACK, ADMIN_STACK = stack(), stack(admin=True)


def call(
    raw_path: bytes | str,
    *,
    headers: list[tuple[bytes, bytes]] | None = None,
    query: bytes = b"",
    method: str = "GET",
    app: Any = None,
) -> tuple[int, str]:
    """One request from the port-forward peer (127.0.0.1) -> (status, body)."""
    raw = raw_path.encode("latin-1") if isinstance(raw_path, str) else raw_path
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote(raw.decode("latin-1")),
        "raw_path": raw,
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"localhost:5000"), *(headers or [])],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 5000),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    anyio.run(app or STACK, scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body.decode()


def admitted(status: int, body: str) -> str:
    assert status == 200, body
    principal: str = json.loads(body)["principal"]
    return principal
