"""The pytest plugins of `make upstream-tests` (ops/upstream/): what the deployment's run sends
and where, what it replaces, and the compatibility shims."""

from __future__ import annotations

import socket
import sys
import threading
import types
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
import requests

from ops.upstream import compat, deployment_plugin
from ops.upstream.deployment_plugin import DeploymentServerThread, Edge, State, deployment_server
from ops.upstream.expected import Shim

TOKEN = "id-token-of-the-admin"  # pragma: allowlist secret (a stand-in, no credential)


@pytest.fixture
def recorder() -> Iterator[tuple[int, list[dict[str, str]]]]:
    """A loopback HTTP server that records the headers of every request it gets."""
    seen: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            seen.append(dict(self.headers))
            self.send_response(204)
            self.end_headers()

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield int(server.server_address[1]), seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def restored(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the plugin patches globally is put back after the test."""
    monkeypatch.setattr(requests.Session, "send", requests.Session.send)
    monkeypatch.setattr(socket, "getaddrinfo", socket.getaddrinfo)


def test_the_token_goes_to_the_ingress_only(
    recorder: tuple[int, list[dict[str, str]]], restored: None
) -> None:
    port, seen = recorder
    # The ingress's origin (scheme, host, port); the recorder on another port is another origin.
    deployment_plugin._send_credentials(TOKEN, ("http", "127.0.0.1", port))
    requests.get(f"http://127.0.0.1:{port}/api/2.0/mlflow/experiments/search", timeout=10)
    assert seen[-1]["Authorization"] == f"Bearer {TOKEN}"
    assert "Proxy-Authorization" not in seen[-1]
    # A test that sends an Authorization of its own keeps it; IAP reads the token from
    # Proxy-Authorization then.
    requests.get(f"http://127.0.0.1:{port}/x", auth=("user", "pw"), timeout=10)
    assert seen[-1]["Authorization"].startswith("Basic ")
    assert seen[-1]["Proxy-Authorization"] == f"Bearer {TOKEN}"
    # The same host by another name is another origin: nothing is added.
    requests.get(f"http://localhost:{port}/x", timeout=10)
    assert "Authorization" not in seen[-1]
    assert "Proxy-Authorization" not in seen[-1]


def test_the_ingress_host_resolves_to_the_stand_in(
    restored: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[Any, Any]] = []
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda host, port, *a, **k: asked.append((host, port))
    )
    edge = Edge(host="mlflow.example.com", port=45678, ca_file="", token="", control_url="")
    deployment_plugin._route(edge)
    socket.getaddrinfo("MLflow.example.com", 443)
    socket.getaddrinfo("mlflow.example.com", 80)  # another port of that host: as before
    socket.getaddrinfo("other.example.com", 443)
    assert asked == [("127.0.0.1", 45678), ("mlflow.example.com", 80), ("other.example.com", 443)]


def test_a_replaced_server_resets_once_and_records_what_it_ignored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, str]] = []
    edge = Edge(host="mlflow.example.com", port=1, ca_file="", token="", control_url="")

    def call(self: Edge, method: str, path: str) -> str:
        calls.append((method, path))
        return ""

    monkeypatch.setattr(Edge, "call", call)
    monkeypatch.setattr(State, "edge", edge)
    item = types.SimpleNamespace(user_properties=[])
    monkeypatch.setattr(State, "item", item)
    tracking_uris: list[Any] = []
    fake_mlflow = types.SimpleNamespace(set_tracking_uri=tracking_uris.append)
    monkeypatch.setitem(sys.modules, "mlflow", fake_mlflow)
    with deployment_server("sqlite:////tmp/x.db", "file:///tmp") as url:
        assert url == "https://mlflow.example.com"
        # A second server inside the first (a test that starts one more): no reset, the
        # first one's data stays.
        with deployment_server("http://127.0.0.1:1", "x", extra_env={"MLFLOW_X": "1"}) as inner:
            assert inner == url
        with DeploymentServerThread(object(), 5000) as threaded:
            assert threaded == url
    assert calls == [("POST", "/reset")]
    assert tracking_uris == [None, None]  # as MLflow's _init_server does, each time
    assert ("upstream.server", "deployment") in item.user_properties
    assert ("upstream.backend", "sqlite") in item.user_properties
    assert ("upstream.ignored_env", "MLFLOW_X") in item.user_properties
    assert State.depth == 0


def test_a_shim_only_where_the_name_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("mlflow_fake_for_shims")
    module.present = "kept"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    shims = (Shim(module.__name__, "present", "x"), Shim(module.__name__, "gone", "removed"))
    monkeypatch.setattr(compat, "COMPAT_SHIMS", shims)
    monkeypatch.setattr(compat, "APPLIED", [])
    compat.pytest_configure(None)  # type: ignore[arg-type]
    assert module.present == "kept"
    assert [s.name for s in compat.APPLIED] == ["gone"]
    with pytest.raises(NotImplementedError, match="gone does not exist in this MLflow"):
        module.gone()
