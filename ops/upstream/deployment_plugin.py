"""pytest plugin for the deployment's run (-p ops.upstream.deployment_plugin): MLflow's REST
tests talk to the deployment tests/e2e/standalone.py runs, not to the server MLflow's harness
would start. UPSTREAM_DEPLOYMENT names the standalone's JSON (see there).

* The server. `_init_server` of MLflow's tests/tracking/integration_test_utils.py (a context
  manager yielding the URL of a new `mlflow server` on the backend URI and artifact root the
  test names) and `ServerThread` (newer test files: the tracking app in-process) are replaced,
  in that module and wherever a test module bound them, by the deployment: both databases are
  put back to a fresh server's state (the standalone's /reset; not for a server started while
  another is in use, whose test expects the first one's data) and the URL is the ingress,
  https://<ingress host>. The deployment's PostgreSQL, artifact proxy to its bucket, plugins
  and environment serve every test: the backend URI and artifact root the test chose are not
  used, and environment variables it asks the server to start with are not applied. Both are
  recorded on the test (junit properties upstream.*), with upstream.server=deployment, which
  the runner counts to prove that the run went through the deployment at all.
* Reaching it. The ingress host resolves to the stand-in's port in this process; its CA is
  trusted (REQUESTS_CA_BUNDLE, MLFLOW_TRACKING_SERVER_CERT_PATH).
* Credentials. MlflowClient sends MLFLOW_TRACKING_TOKEN, set here to the admin's Google-signed
  ID token, as `Authorization: Bearer`: MLflow's own switch for a bearer token, and what IAP
  takes from a non-browser client (https://docs.cloud.google.com/iap/docs/authentication-howto:
  an OAuth 2.0 ID token "in the Authorization or Proxy-Authorization HTTP header"). IAP
  verifies it and sends the server its own signed assertion; the server's plugin verifies that.
  The tests' plain `requests` calls (MLflow's harness sends them without credentials) get the
  same token from a hook on requests' Session.send, for the ingress's origin only: in
  Authorization, or in Proxy-Authorization when the test sends an Authorization of its own.
  A request header provider that set x-goog-iap-jwt-assertion itself would forge IAP and skip
  the edge; the token goes through it.
* Failures. The server's log of a failed test is written to UPSTREAM_LOG_DIR/<test>.log.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import re
import socket
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from ops.upstream.expected import DESELECTED, known

INFO_ENV = "UPSTREAM_DEPLOYMENT"
LOG_DIR_ENV = "UPSTREAM_LOG_DIR"
UTILS_MODULE = "tests.tracking.integration_test_utils"
HTTPS_PORT = 443
# junit properties the runner reads (ops/upstream/compare.py).
SERVER_PROPERTY = "upstream.server"
BACKEND_PROPERTY = "upstream.backend"
IGNORED_ENV_PROPERTY = "upstream.ignored_env"


@dataclass(frozen=True)
class Edge:
    host: str
    port: int
    ca_file: str
    token: str
    control_url: str

    @property
    def url(self) -> str:
        return f"https://{self.host}"

    def call(self, method: str, path: str) -> str:
        # The standalone's control server, on loopback (http://127.0.0.1:<port>).
        request = urllib.request.Request(f"{self.control_url}{path}", method=method)  # noqa: S310
        with urllib.request.urlopen(request, timeout=120) as reply:  # noqa: S310
            return str(reply.read().decode(errors="replace"))


class State:
    edge: Edge | None = None
    item: pytest.Item | None = None
    depth = 0
    originals: dict[str, Any] = {}  # noqa: RUF012 - one run, one state


def _edge() -> Edge:
    assert State.edge is not None, "the deployment plugin is not configured"
    return State.edge


@contextlib.contextmanager
def _serving(backend: str, extra_env: dict[str, Any] | None) -> Iterator[str]:
    edge = _edge()
    if State.depth == 0:
        edge.call("POST", "/reset")
    if State.item is not None:
        props = State.item.user_properties
        props.append((SERVER_PROPERTY, "deployment"))
        props.append((BACKEND_PROPERTY, backend))
        if extra_env:
            props.append((IGNORED_ENV_PROPERTY, ",".join(sorted(extra_env))))
    State.depth += 1
    try:
        yield edge.url
    finally:
        State.depth -= 1


@contextlib.contextmanager
def deployment_server(
    backend_uri: str, root_artifact_uri: str, extra_env: dict[str, Any] | None = None, **_: Any
) -> Iterator[str]:
    """Stands for MLflow's `_init_server(backend_uri, root_artifact_uri, extra_env, app, ...)`."""
    import mlflow

    # As MLflow's _init_server does before it starts a server (None: back to the default).
    mlflow.set_tracking_uri(None)  # type: ignore[arg-type]
    with _serving(backend_uri.split(":", 1)[0], extra_env) as url:
        yield url


class DeploymentServerThread:
    """Stands for MLflow's `ServerThread(app, port)`, a context manager yielding its URL."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._serving: contextlib.AbstractContextManager[str] | None = None

    def __enter__(self) -> str:
        self._serving = _serving("in-process app", None)
        return self._serving.__enter__()

    def __exit__(self, *exc: Any) -> None:
        assert self._serving is not None
        self._serving.__exit__(*exc)


REPLACEMENTS: dict[str, Any] = {
    "_init_server": deployment_server,
    "ServerThread": DeploymentServerThread,
}


def _route(edge: Edge) -> None:
    """The ingress host resolves to the stand-in (this process only), as DNS would to the LB."""
    original = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if str(host).lower() == edge.host and int(port or HTTPS_PORT) == HTTPS_PORT:
            host, port = "127.0.0.1", edge.port
        return original(host, port, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or HTTPS_PORT


def _send_credentials(token: str, origin: tuple[str, str, int]) -> None:
    """The token on every request requests sends to `origin` (scheme, host, port)."""
    import requests

    original = requests.Session.send
    bearer = f"Bearer {token}"

    def send(self: Any, request: Any, **kwargs: Any) -> Any:
        if _origin(str(request.url)) == origin:
            headers = request.headers
            if "Authorization" not in headers:
                headers["Authorization"] = bearer
            elif headers["Authorization"] != bearer and "Proxy-Authorization" not in headers:
                headers["Proxy-Authorization"] = bearer
        return original(self, request, **kwargs)

    requests.Session.send = send  # type: ignore[method-assign]


def pytest_configure(config: pytest.Config) -> None:
    path = os.environ.get(INFO_ENV)
    if not path:
        raise pytest.UsageError(f"{INFO_ENV} is not set: ops/upstream_tests.py sets it")
    info = json.loads(Path(path).read_text())
    edge = Edge(
        host=str(info["edge_host"]).lower(),
        port=int(info["edge_port"]),
        ca_file=str(info["ca_file"]),
        token=str(info["token"]),
        control_url=str(info["control_url"]),
    )
    State.edge = edge
    _route(edge)
    os.environ["REQUESTS_CA_BUNDLE"] = edge.ca_file
    os.environ["MLFLOW_TRACKING_SERVER_CERT_PATH"] = edge.ca_file
    os.environ["MLFLOW_TRACKING_TOKEN"] = edge.token
    _send_credentials(edge.token, _origin(edge.url))
    utils = importlib.import_module(UTILS_MODULE)
    for name, replacement in REPLACEMENTS.items():
        if hasattr(utils, name):
            State.originals[name] = getattr(utils, name)
            setattr(utils, name, replacement)
    if not State.originals:
        raise pytest.UsageError(
            f"{UTILS_MODULE} has none of {sorted(REPLACEMENTS)}: nothing to point at the "
            "deployment (a test file this runner does not know)"
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """expected.DESELECTED stays out (exactly the named tests, not every name they prefix);
    test modules that bound a name before configure replaced it get the replacement too."""
    kept_out = [item for item in items if known(item.name, DESELECTED) is not None]
    if kept_out:
        config.hook.pytest_deselected(items=kept_out)
        items[:] = [item for item in items if item not in kept_out]
    for module in {getattr(item, "module", None) for item in items} - {None}:
        for name, original in State.originals.items():
            if getattr(module, name, None) is original:
                setattr(module, name, REPLACEMENTS[name])


def pytest_report_header(config: pytest.Config) -> list[str]:
    edge = _edge()
    return [f"upstream: MLflow's server replaced by the deployment at {edge.url} ({edge.port})"]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    State.item = item
    try:
        return (yield)
    finally:
        State.item = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    folder = os.environ.get(LOG_DIR_ENV)
    used = any(name == SERVER_PROPERTY for name, _ in item.user_properties)
    if report.failed and used and folder:
        name = re.sub(r"[^A-Za-z0-9_.\[\]-]+", "_", item.name)[:150]
        log = _edge().call("GET", "/log")
        target = Path(folder) / f"{name}.{report.when}.log"
        target.write_text(log[-200_000:])
    return report
