"""Least privilege for callers without IAP (design item 7).

* In-cluster (the pod range, no assertion) reaches /metrics only: every other route, read or
  write, any family, is 403, spelled around /metrics too.
* Port-forward (loopback, no assertion) is a break-glass identity capped at
  auth.port_forward_permission (default READ): every write is 403.
* mlflow.user names the run's creator: nobody sets it to another person, on a run or a
  logged model, through any write path (refused: not 2xx).
"""

from __future__ import annotations

from tests.e2e.hostile.case import INGRESS, Case, refused

CLS = "privilege"
DENIED = refused(403)
API, AJAX = "/api/2.0/mlflow", "/ajax-api/2.0/mlflow"
OTLP = (("x-mlflow-experiment-id", "$bob_exp"), ("Content-Type", "application/x-protobuf"))

IN_CLUSTER: list[tuple[str, str, str, tuple[tuple[str, str], ...], str | None]] = [
    ("whoami", "GET", f"{API}/users/current", (), None),
    ("experiments-search", "POST", f"{API}/experiments/search", (), '{"max_results": 5}'),
    ("experiment-get", "GET", f"{API}/experiments/get?experiment_id=$bob_exp", (), None),
    ("run-get", "GET", f"{API}/runs/get?run_id=$bob_run", (), None),
    ("ajax-run-get", "GET", f"{AJAX}/runs/get?run_id=$bob_run", (), None),
    ("models-search", "GET", f"{API}/registered-models/search", (), None),
    (
        "artifact-download",
        "GET",
        "/api/2.0/mlflow-artifacts/artifacts/$exp/$run/artifacts/secret.txt",
        (),
        None,
    ),
    ("artifact-list", "GET", "/api/2.0/mlflow-artifacts/artifacts?path=$bob_exp", (), None),
    ("get-artifact", "GET", "/get-artifact?run_id=$bob_run&path=x", (), None),
    ("graphql", "POST", "/graphql", (), '{"query": "{ __typename }"}'),
    ("otlp", "POST", "/v1/traces", OTLP, ""),
    ("gateway-models", "GET", "/gateway/mlflow/v1/models", (), None),
    ("server-info", "GET", "/api/3.0/mlflow/server-info", (), None),
    ("experiment-create", "POST", f"{API}/experiments/create", (), '{"name": "in-cluster-$uid"}'),
    (
        "run-create",
        "POST",
        f"{API}/runs/create",
        (),
        '{"experiment_id": "$bob_exp", "start_time": 1}',
    ),
    (
        "artifact-upload",
        "PUT",
        "/api/2.0/mlflow-artifacts/artifacts/$bob_exp/$bob_run/artifacts/ic.txt",
        (),
        "x",
    ),
    ("metrics-trailing-slash", "GET", "/metrics/", (), None),
    ("metrics-suffix", "GET", "/metrics-x", (), None),
    ("metrics-post", "POST", "/metrics", (), "{}"),
]

# Writes on Bob's resources: refused whatever the cap, as MLflow's default READ on others'
# resources is capped too. The e2e fixture caps port-forward at MANAGE (tests/configs/e2e.yaml:
# the e2e tests drive the server from its loopback), so creating new experiments and models is
# allowed here; that READ (the default) refuses creation is shown against real servers in
# tests/image/test_iap_privilege.py.
PORT_FORWARD_WRITES: list[tuple[str, str, str, tuple[tuple[str, str], ...], str | None]] = [
    (
        "experiment-rename-bobs",
        "POST",
        f"{API}/experiments/update",
        (),
        '{"experiment_id": "$bob_exp", "new_name": "pf-$uid"}',
    ),
    (
        "experiment-delete-bobs",
        "POST",
        f"{API}/experiments/delete",
        (),
        '{"experiment_id": "$bob_exp"}',
    ),
    (
        "run-create",
        "POST",
        f"{API}/runs/create",
        (),
        '{"experiment_id": "$bob_exp", "start_time": 1}',
    ),
    (
        "run-set-tag",
        "POST",
        f"{API}/runs/set-tag",
        (),
        '{"run_id": "$bob_run", "key": "k", "value": "pf"}',
    ),
    (
        "run-log-metric",
        "POST",
        f"{API}/runs/log-metric",
        (),
        '{"run_id": "$bob_run", "key": "m", "value": 1, "timestamp": 1}',
    ),
    ("run-delete", "POST", f"{API}/runs/delete", (), '{"run_id": "$bob_run"}'),
    (
        "model-delete-bobs",
        "DELETE",
        f"{API}/registered-models/delete",
        (),
        '{"name": "$bob_model"}',
    ),
    (
        "logged-model-create",
        "POST",
        f"{API}/logged-models",
        (),
        '{"experiment_id": "$bob_exp", "name": "pf-$uid"}',
    ),
    (
        "artifact-upload",
        "PUT",
        "/api/2.0/mlflow-artifacts/artifacts/$bob_exp/$bob_run/artifacts/pf.txt",
        (),
        "pf",
    ),
    (
        "artifact-delete",
        "DELETE",
        "/api/2.0/mlflow-artifacts/artifacts/$exp/$run/artifacts/secret.txt",
        (),
        None,
    ),
    (
        "ajax-upload-artifact",
        "POST",
        f"{AJAX}/upload-artifact?run_uuid=$bob_run&path=pf.txt",
        (),
        "pf",
    ),
    ("otlp-trace", "POST", "/v1/traces", OTLP, ""),
]

MLFLOW_USER = '{"key": "mlflow.user", "value": "$alice"}'
IMPERSONATION: list[tuple[str, str, str, str]] = [
    (
        "set-tag",
        "POST",
        f"{API}/runs/set-tag",
        '{"run_id": "$bob_run", "key": "mlflow.user", "value": "$alice"}',
    ),
    (
        "ajax-set-tag",
        "POST",
        f"{AJAX}/runs/set-tag",
        '{"run_id": "$bob_run", "key": "mlflow.user", "value": "$alice"}',
    ),
    (
        "log-batch-tag",
        "POST",
        f"{API}/runs/log-batch",
        '{"run_id": "$bob_run", "tags": [' + MLFLOW_USER + "]}",
    ),
    (
        "ajax-log-batch-tag",
        "POST",
        f"{AJAX}/runs/log-batch",
        '{"run_id": "$bob_run", "tags": [' + MLFLOW_USER + "]}",
    ),
    (
        "logged-model-tag",
        "PATCH",
        f"{API}/logged-models/$bob_lm/tags",
        '{"tags": [' + MLFLOW_USER + "]}",
    ),
]


# Spelled around /metrics: non-canonical, refused before the caller counts (400).
AROUND_METRICS = [
    ("metrics-dot-dot", f"/metrics/..{API}/users/current"),
    ("metrics-encoded-dot-dot", f"/metrics/%2e%2e{API}/users/current"),
    ("metrics-double-slash", "//metrics"),
]


def cases() -> list[Case]:
    out: list[Case] = []
    for name, target in AROUND_METRICS:
        out.append(Case(CLS, "pod", f"in-cluster-{name}", "GET", target, refused(400), who=None))
    for name, method, target, headers, body in IN_CLUSTER:
        out.append(
            Case(CLS, "pod", f"in-cluster-{name}", method, target, DENIED, who=None,
                 headers=headers, body=body, json=not headers)
        )  # fmt: skip
    for name, method, target, headers, body in PORT_FORWARD_WRITES:
        out.append(
            Case(CLS, "loopback", f"port-forward-{name}", method, target, DENIED, who=None,
                 headers=headers, body=body, json=not headers)
        )  # fmt: skip
    for peer in ("lb", INGRESS, "pod", "loopback"):
        for name, method, target, body in IMPERSONATION:
            out.append(Case(CLS, peer, f"mlflow-user-{name}", method, target, refused(), body=body))
    return out


CASES = cases()
