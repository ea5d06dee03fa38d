"""mlflow_server/iap_auth against MLflow's real auth app: least privilege for callers without
IAP, and `mlflow.user` naming its writer.

Two `mlflow server --app-name iap-auth` processes, each on its own SQLite tracking and auth
stores (the real plugin, MLflow 3.17's real permission resolution): one on the default
port-forward cap (READ), one started with IAP_PORT_FORWARD_PERMISSION=EDIT. IAP users
send assertions the Google stand-in signed; port-forward is this machine's loopback; the pod
range is this machine's own non-loopback address (IAP_IN_CLUSTER_CIDRS names it), which
loopback listeners accept connections from.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.configs import limits_env
from tests.support.google_standin import GoogleStandIn, google_standin
from tests.support.net import free_port

# Two real servers, a minute or two to start: the slow tier.
pytestmark = pytest.mark.integration
LIMITS = limits_env("e2e")

API = "/api/2.0/mlflow"
PROJECT, SERVICE = "246813579024", "4242"
AUDIENCE = f"/projects/{PROJECT}/global/backendServices/{SERVICE}"
ADMIN, ALICE, BOB = "root@example.com", "alice@example.com", "bob@example.com"
PORT_FORWARD_USER = "kubectl-port-forward"


def _own_address() -> str | None:
    """A non-loopback address of this machine that can reach a loopback listener."""
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, check=False)
    except OSError:
        return None
    for address in out.stdout.split():
        if ":" not in address and not address.startswith("127."):
            return address
    return None


POD = _own_address()


@dataclass
class Reply:
    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Server:
    port: int
    proc: subprocess.Popen[bytes]
    log: Path
    google: GoogleStandIn

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        user: str | None = None,
        source: str = "127.0.0.1",
    ) -> Reply:
        """A request from `source`; as `user` (an IAP assertion) or as the peer's caller."""
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=60, source_address=(source, 0)
        )
        headers = {"Host": f"localhost:{self.port}"}
        if user is not None:
            headers["x-goog-iap-jwt-assertion"] = self.google.iap.assertion(
                email=user, user_id=str(abs(hash(user))), audience=AUDIENCE
            )
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            return Reply(resp.status, resp.read().decode(errors="replace"))
        finally:
            conn.close()


def _start(tmp: Path, google: GoogleStandIn, name: str, **env: str) -> Server:
    tmp = tmp / name
    tmp.mkdir()
    port = free_port()
    log = tmp / f"{name}.log"
    full = {
        **os.environ,
        "IAP_PROJECT_NUMBER": PROJECT,
        "IAP_BACKEND_SERVICE_ID": SERVICE,
        "IAP_ADMINS": ADMIN,
        "IAP_PORT_FORWARD_USER": PORT_FORWARD_USER,
        "IAP_IN_CLUSTER_USER": "in-cluster",
        "IAP_IN_CLUSTER_CIDRS": f"{POD}/32" if POD else "10.16.0.0/14",
        "IAP_KEYS_URL": google.keys_url,
        "IAP_AUTH_DATABASE_URI": f"sqlite:///{tmp / 'auth.db'}",
        # MLflow's database init lock files go to the temp folder: this server's own.
        "TMPDIR": str(tmp),
        "MLFLOW_SERVER_ALLOWED_HOSTS": f"localhost:{port}",
        **LIMITS,
        **env,
    }
    argv = [
        str(Path(sys.executable).parent / "mlflow"),
        "server",
        "--app-name",
        "iap-auth",
        "--backend-store-uri",
        f"sqlite:///{tmp / 'mlflow.db'}",
        "--artifacts-destination",
        (tmp / "artifacts").as_uri(),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--expose-prometheus",
        str(tmp / "prometheus"),
    ]
    (tmp / "prometheus").mkdir(exist_ok=True)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            argv,
            env=full,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=tmp,
            start_new_session=True,  # `mlflow server` and its uvicorn stop together
        )
    return Server(port, proc, log, google)


def _ready(server: Server) -> None:
    # MLflow's first start migrates both stores: minutes on a busy two-core machine.
    deadline = time.monotonic() + 480
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            pytest.fail(f"the server exited: {server.log.read_text()[-4000:]}")
        try:
            if server.call("GET", "/health").status == 200:
                return
        except OSError:
            pass
        time.sleep(1)
    pytest.fail(f"the server did not answer /health: {server.log.read_text()[-4000:]}")


def _stop(server: Server) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.proc.pid, signal.SIGTERM)
    try:
        server.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server]]:
    tmp = tmp_path_factory.mktemp("privilege")
    with google_standin() as google:
        started: dict[str, Server] = {}
        try:
            started["READ"] = _start(tmp, google, "read")
            started["EDIT"] = _start(tmp, google, "edit", IAP_PORT_FORWARD_PERMISSION="EDIT")
            for server in started.values():
                _ready(server)
            yield started
        finally:
            for server in started.values():
                _stop(server)


@pytest.fixture(scope="module")
def read(servers: dict[str, Server]) -> Server:
    return servers["READ"]


@pytest.fixture(scope="module")
def edit(servers: dict[str, Server]) -> Server:
    return servers["EDIT"]


def _experiment(server: Server, user: str | None) -> str:
    reply = server.call("POST", f"{API}/experiments/create", {"name": uuid.uuid4().hex}, user=user)
    assert reply.status == 200, reply.body
    return str(reply.json()["experiment_id"])


def _run(server: Server, experiment: str, user: str | None) -> str:
    body = {"experiment_id": experiment, "start_time": int(time.time() * 1000)}
    reply = server.call("POST", f"{API}/runs/create", body, user=user)
    assert reply.status == 200, reply.body
    return str(reply.json()["run"]["info"]["run_id"])


def _grant(server: Server, username: str, experiment: str, permission: str) -> None:
    body = {
        "username": username,
        "resource_type": "experiment",
        "resource_id": experiment,
        "permission": permission,
    }
    reply = server.call("POST", "/api/3.0/mlflow/users/permissions/grant", body, user=ADMIN)
    assert reply.status == 200, reply.body


def _denied(reply: Reply) -> None:
    assert reply.status == 403, reply.body


# --- port-forward on the default cap: READ ----------------------------------------------------


def test_port_forward_reads(read: Server) -> None:
    experiment = _experiment(read, ADMIN)
    run = _run(read, experiment, ADMIN)
    assert read.call("GET", f"{API}/experiments/get?experiment_id={experiment}").status == 200
    assert read.call("GET", f"{API}/runs/get?run_id={run}").status == 200
    reply = read.call("POST", f"{API}/experiments/search", {"max_results": 5})
    assert reply.status == 200, reply.body
    reply = read.call("GET", f"{API}/users/current")
    assert reply.json()["user"] == {**reply.json()["user"], "username": PORT_FORWARD_USER}


def test_port_forward_read_cannot_create_update_or_delete(read: Server) -> None:
    experiment = _experiment(read, ADMIN)
    run = _run(read, experiment, ADMIN)
    writes = [
        ("POST", f"{API}/experiments/create", {"name": uuid.uuid4().hex}),
        ("POST", f"{API}/registered-models/create", {"name": uuid.uuid4().hex}),
        ("POST", f"{API}/runs/create", {"experiment_id": experiment}),
        ("POST", f"{API}/experiments/update", {"experiment_id": experiment, "new_name": "x"}),
        (
            "POST",
            f"{API}/experiments/set-experiment-tag",
            {"experiment_id": experiment, "key": "k", "value": "v"},
        ),
        ("POST", f"{API}/experiments/delete", {"experiment_id": experiment}),
        ("POST", f"{API}/runs/log-metric", {"run_id": run, "key": "m", "value": 1, "timestamp": 1}),
        ("POST", f"{API}/runs/set-tag", {"run_id": run, "key": "k", "value": "v"}),
        ("POST", f"{API}/runs/delete", {"run_id": run}),
        ("POST", "/ajax-api/2.0/mlflow/experiments/create", {"name": uuid.uuid4().hex}),
        ("POST", "/ajax-api/3.0/mlflow/demo/generate", {}),
        ("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{experiment}/{run}/artifacts/x.txt", None),
    ]
    for method, path, body in writes:
        reply = read.call(method, path, body)
        assert reply.status == 403, (method, path, reply.status, reply.body)
    assert read.call("GET", f"{API}/runs/get?run_id={run}").json()["run"]["data"].get("tags")


def test_the_cap_holds_over_an_explicit_grant(read: Server) -> None:
    """An admin's MANAGE grant to the port-forward user still reads only (min(MANAGE, READ))."""
    experiment = _experiment(read, ADMIN)
    _grant(read, PORT_FORWARD_USER, experiment, "MANAGE")
    rename = {"experiment_id": experiment, "new_name": uuid.uuid4().hex}
    _denied(read.call("POST", f"{API}/experiments/update", rename))
    _denied(read.call("POST", f"{API}/experiments/delete", {"experiment_id": experiment}))
    # The same grant works for an IAP user: the cap is the port-forward user's alone.
    assert read.call("GET", f"{API}/users/current", user=BOB).status == 200  # Bob exists
    _grant(read, BOB, experiment, "MANAGE")
    assert read.call("POST", f"{API}/experiments/update", rename, user=BOB).status == 200


def test_each_port_forward_request_is_logged_with_its_peer(read: Server) -> None:
    marker = uuid.uuid4().hex
    read.call("GET", f"{API}/{marker}")
    deadline = time.monotonic() + 10
    while marker not in read.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    lines = [line for line in read.log.read_text().splitlines() if marker in line]
    expected = f"port-forward: GET {API}/{marker} from 127.0.0.1 as {PORT_FORWARD_USER}"
    assert any(expected in line for line in lines), lines


# --- port-forward capped at EDIT --------------------------------------------------------------


def test_port_forward_edit_logs_runs_but_does_not_manage(edit: Server) -> None:
    own = _experiment(edit, None)  # the creator's MANAGE grant, capped at EDIT
    run = _run(edit, own, None)
    metric = {"run_id": run, "key": "m", "value": 1.0, "timestamp": 1, "step": 0}
    assert edit.call("POST", f"{API}/runs/log-metric", metric).status == 200
    _denied(edit.call("POST", f"{API}/experiments/delete", {"experiment_id": own}))
    alices = _experiment(edit, ALICE)
    rename = {"experiment_id": alices, "new_name": uuid.uuid4().hex}
    _denied(edit.call("POST", f"{API}/experiments/update", rename))
    grant = {
        "username": PORT_FORWARD_USER,
        "resource_type": "experiment",
        "resource_id": alices,
        "permission": "MANAGE",
    }
    _denied(edit.call("POST", "/api/3.0/mlflow/users/permissions/grant", grant))
    _denied(edit.call("POST", f"{API}/experiments/delete", {"experiment_id": alices}))


# --- in-cluster callers: /metrics only ----------------------------------------------------------


@pytest.mark.skipif(POD is None, reason="no non-loopback address on this machine")
def test_in_cluster_callers_get_the_metrics_only(read: Server) -> None:
    assert POD is not None
    reply = read.call("GET", "/metrics", source=POD)
    assert reply.status == 200, reply.body
    assert "# HELP" in reply.body or "# TYPE" in reply.body
    for method, path in [
        ("GET", f"{API}/experiments/search?max_results=1"),
        ("POST", f"{API}/experiments/create"),
        ("GET", "/ajax-api/2.0/mlflow/experiments/search?max_results=1"),
        ("GET", "/graphql"),
        ("GET", "/"),
    ]:
        reply = read.call(method, path, source=POD)
        assert reply.status == 403, (path, reply.body)
        assert "examples/iap_client" in reply.body, reply.body
    # With IAP's assertion the same peer is the person it names.
    reply = read.call("GET", f"{API}/users/current", user=ALICE, source=POD)
    assert reply.json()["user"]["username"] == ALICE


# --- mlflow.user names the caller -----------------------------------------------------------


@pytest.mark.parametrize("family", ["/api/2.0/mlflow", "/ajax-api/2.0/mlflow"])
def test_an_owner_cannot_make_a_run_someone_elses(read: Server, family: str) -> None:
    experiment = _experiment(read, ALICE)
    run = _run(read, experiment, ALICE)
    other = {"run_id": run, "key": "mlflow.user", "value": BOB}
    reply = read.call("POST", f"{family}/runs/set-tag", other, user=ALICE)
    assert reply.status == 403, reply.body
    assert reply.json()["error_code"] == "PERMISSION_DENIED"
    batch = {
        "run_id": run,
        "tags": [{"key": "a", "value": "1"}, {"key": "mlflow.user", "value": BOB}],
    }
    _denied(read.call("POST", f"{family}/runs/log-batch", batch, user=ALICE))
    delete = {"run_id": run, "key": "mlflow.user"}
    _denied(read.call("POST", f"{family}/runs/delete-tag", delete, user=ALICE))
    # Naming oneself is no change, and other tags are hers to set.
    same = {"run_id": run, "key": "mlflow.user", "value": ALICE}
    assert read.call("POST", f"{family}/runs/set-tag", same, user=ALICE).status == 200
    tag = {"run_id": run, "key": "team", "value": "a"}
    assert read.call("POST", f"{family}/runs/set-tag", tag, user=ALICE).status == 200
    got = read.call("GET", f"{API}/runs/get?run_id={run}", user=ALICE).json()["run"]
    tags = {t["key"]: t["value"] for t in got["data"]["tags"]}
    assert (tags["mlflow.user"], tags["team"], tags.get("a")) == (ALICE, "a", None)
    # Not even an admin may put another name on it; an admin may remove it.
    admin_other = {"run_id": run, "key": "mlflow.user", "value": BOB}
    _denied(read.call("POST", f"{family}/runs/set-tag", admin_other, user=ADMIN))
    assert read.call("POST", f"{family}/runs/delete-tag", delete, user=ADMIN).status == 200


def test_a_logged_models_user_is_its_creator(read: Server) -> None:
    experiment = _experiment(read, ALICE)
    reply = read.call("POST", f"{API}/logged-models", {"experiment_id": experiment}, user=ALICE)
    assert reply.status == 200, reply.body
    model = reply.json()["model"]["info"]["model_id"]
    tags = {"tags": [{"key": "mlflow.user", "value": BOB}]}
    _denied(read.call("PATCH", f"{API}/logged-models/{model}/tags", tags, user=ALICE))
    _denied(read.call("DELETE", f"{API}/logged-models/{model}/tags/mlflow.user", user=ALICE))
    ok = {"tags": [{"key": "stage", "value": "dev"}]}
    assert read.call("PATCH", f"{API}/logged-models/{model}/tags", ok, user=ALICE).status == 200


def test_port_forward_edit_cannot_rename_its_runs_either(edit: Server) -> None:
    run = _run(edit, _experiment(edit, None), None)
    other = {"run_id": run, "key": "mlflow.user", "value": ALICE}
    _denied(edit.call("POST", f"{API}/runs/set-tag", other))
    got = edit.call("GET", f"{API}/runs/get?run_id={run}").json()["run"]
    assert {t["key"]: t["value"] for t in got["data"]["tags"]}["mlflow.user"] == PORT_FORWARD_USER
