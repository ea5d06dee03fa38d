"""Cross-user reads and writes: Bob, under an explicit DENY grant on Alice's
experiment, model and prompt, gets none of them in any API family, from any peer.

Canonical paths only (table_paths.py spells them around). MLflow refuses with 403
("Permission denied"); searches filter instead, so they must answer without the protected
content. Bob's credential is valid everywhere: an assertion from any peer is that user.
"""

from __future__ import annotations

from tests.e2e.hostile.case import PEERS, Case, Expect, hidden, refused

CLS = "cross-user"
DENIED = refused(403)
API, AJAX = "/api/2.0/mlflow", "/ajax-api/2.0/mlflow"

# (name, method, path under the family's prefix, body, expectation)
CALLS: list[tuple[str, str, str, str | None, Expect]] = [
    ("experiment-get", "GET", "/experiments/get?experiment_id=$exp", None, DENIED),
    (
        "experiment-get-by-name",
        "GET",
        "/experiments/get-by-name?experiment_name=$exp_name",
        None,
        DENIED,
    ),
    ("experiment-search", "POST", "/experiments/search", '{"max_results": 1000}', hidden()),
    ("run-get", "GET", "/runs/get?run_id=$run", None, DENIED),
    ("run-search", "POST", "/runs/search", '{"experiment_ids": ["$exp"]}', hidden()),
    ("metric-history", "GET", "/metrics/get-history?run_id=$run&metric_key=m", None, DENIED),
    ("artifacts-list", "GET", "/artifacts/list?run_id=$run", None, DENIED),
    ("model-get", "GET", "/registered-models/get?name=$model", None, DENIED),
    ("model-search", "GET", "/registered-models/search?max_results=1000", None, hidden()),
    ("model-version-get", "GET", "/model-versions/get?name=$model&version=1", None, DENIED),
    (
        "model-version-download-uri",
        "GET",
        "/model-versions/get-download-uri?name=$model&version=1",
        None,
        DENIED,
    ),
    (
        "model-versions-search",
        "GET",
        "/model-versions/search?filter=name%3D%27$model%27",
        None,
        hidden(),
    ),
    ("prompt-get", "GET", "/registered-models/get?name=$prompt", None, DENIED),
    ("prompt-version-get", "GET", "/model-versions/get?name=$prompt&version=1", None, DENIED),
    ("logged-model-get", "GET", "/logged-models/$lm", None, DENIED),
    (
        "logged-model-search",
        "POST",
        "/logged-models/search",
        '{"experiment_ids": ["$exp"]}',
        hidden(),
    ),
    (
        "experiment-rename",
        "POST",
        "/experiments/update",
        '{"experiment_id": "$exp", "new_name": "bob-was-here-$uid"}',
        DENIED,
    ),
    ("experiment-delete", "POST", "/experiments/delete", '{"experiment_id": "$exp"}', DENIED),
    (
        "experiment-set-tag",
        "POST",
        "/experiments/set-experiment-tag",
        '{"experiment_id": "$exp", "key": "k", "value": "bob"}',
        DENIED,
    ),
    ("run-create", "POST", "/runs/create", '{"experiment_id": "$exp", "start_time": 1}', DENIED),
    ("run-update", "POST", "/runs/update", '{"run_id": "$run", "status": "FAILED"}', DENIED),
    ("run-delete", "POST", "/runs/delete", '{"run_id": "$run"}', DENIED),
    (
        "run-set-tag",
        "POST",
        "/runs/set-tag",
        '{"run_id": "$run", "key": "k", "value": "bob"}',
        DENIED,
    ),
    (
        "run-log-metric",
        "POST",
        "/runs/log-metric",
        '{"run_id": "$run", "key": "m", "value": 9, "timestamp": 1}',
        DENIED,
    ),
    (
        "run-log-batch",
        "POST",
        "/runs/log-batch",
        '{"run_id": "$run", "params": [{"key": "b", "value": "x"}]}',
        DENIED,
    ),
    (
        "model-rename",
        "POST",
        "/registered-models/rename",
        '{"name": "$model", "new_name": "bob-$uid"}',
        DENIED,
    ),
    (
        "model-update",
        "PATCH",
        "/registered-models/update",
        '{"name": "$model", "description": "bob"}',
        DENIED,
    ),
    ("model-delete", "DELETE", "/registered-models/delete", '{"name": "$model"}', DENIED),
    (
        "model-version-create",
        "POST",
        "/model-versions/create",
        '{"name": "$model", "source": "mlflow-artifacts:/$bob_exp/$bob_run/artifacts"}',
        DENIED,
    ),
    (
        "prompt-version-create",
        "POST",
        "/model-versions/create",
        '{"name": "$prompt", "source": "dummy", "tags": [{"key": "mlflow.prompt.text", "value": "bob"}]}',
        DENIED,
    ),
    (
        "prompt-set-alias",
        "POST",
        "/registered-models/alias",
        '{"name": "$prompt", "alias": "prod", "version": "1"}',
        DENIED,
    ),
    ("logged-model-delete", "DELETE", "/logged-models/$lm", None, DENIED),
    (
        "logged-model-set-tags",
        "PATCH",
        "/logged-models/$lm/tags",
        '{"tags": [{"key": "k", "value": "bob"}]}',
        DENIED,
    ),
]

# Routes outside the two families' common shape.
OTHERS: list[tuple[str, str, str, tuple[tuple[str, str], ...], str | None, Expect]] = [
    (
        "artifact-download",
        "GET",
        "/api/2.0/mlflow-artifacts/artifacts/$exp/$run/artifacts/secret.txt",
        (),
        None,
        DENIED,
    ),
    (
        "ajax-artifact-download",
        "GET",
        "/ajax-api/2.0/mlflow-artifacts/artifacts/$exp/$run/artifacts/secret.txt",
        (),
        None,
        DENIED,
    ),
    (
        "artifact-list",
        "GET",
        "/api/2.0/mlflow-artifacts/artifacts?path=$exp/$run/artifacts",
        (),
        None,
        DENIED,
    ),
    (
        "artifact-upload",
        "PUT",
        "/api/2.0/mlflow-artifacts/artifacts/$exp/$run/artifacts/bob.txt",
        (),
        "bob's",
        DENIED,
    ),
    (
        "artifact-overwrite",
        "PUT",
        "/api/2.0/mlflow-artifacts/artifacts/$exp/$run/artifacts/secret.txt",
        (),
        "bob's",
        DENIED,
    ),
    (
        "artifact-delete",
        "DELETE",
        "/api/2.0/mlflow-artifacts/artifacts/$exp/$run/artifacts/secret.txt",
        (),
        None,
        DENIED,
    ),
    ("get-artifact", "GET", "/get-artifact?run_id=$run&path=secret.txt", (), None, DENIED),
    (
        "model-version-artifact",
        "GET",
        "/model-versions/get-artifact?name=$model&version=1&path=secret.txt",
        (),
        None,
        DENIED,
    ),
    (
        "ajax-upload-artifact",
        "POST",
        "/ajax-api/2.0/mlflow/upload-artifact?run_uuid=$run&path=bob.txt",
        (),
        "bob's",
        DENIED,
    ),
    (
        "metric-history-bulk",
        "GET",
        "/ajax-api/2.0/mlflow/metrics/get-history-bulk?run_id=$run&metric_key=m",
        (),
        None,
        DENIED,
    ),
    (
        "metric-history-bulk-interval",
        "GET",
        "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=$run&metric_key=m",
        (),
        None,
        DENIED,
    ),
    (
        "search-datasets",
        "POST",
        "/ajax-api/2.0/mlflow/experiments/search-datasets",
        (),
        '{"experiment_ids": ["$exp"]}',
        DENIED,
    ),
    (
        "logged-model-artifact",
        "GET",
        "/ajax-api/2.0/mlflow/logged-models/$lm/artifacts/files?artifact_file_path=x",
        (),
        None,
        DENIED,
    ),
    (
        "graphql-experiment",
        "POST",
        "/graphql",
        (),
        '{"query": "{ mlflowGetExperiment(input: {experimentId: \\"$exp\\"}) { experiment { name } } }"}',
        hidden(),
    ),
    (
        "graphql-run",
        "POST",
        "/graphql",
        (),
        '{"query": "{ mlflowGetRun(input: {runId: \\"$run\\"}) { run { data { params { key value } } } } }"}',
        hidden(),
    ),
    (
        "graphql-search-runs",
        "POST",
        "/graphql",
        (),
        '{"query": "{ mlflowSearchRuns(input: {experimentIds: [\\"$exp\\"]}) { runs { info { runName } } } }"}',
        hidden(),
    ),
    (
        "otlp-trace-into-alices",
        "POST",
        "/v1/traces",
        (("x-mlflow-experiment-id", "$exp"), ("Content-Type", "application/x-protobuf")),
        "",
        DENIED,
    ),
    (
        "traces-search",
        "POST",
        "/api/3.0/mlflow/traces/search",
        (),
        '{"locations": [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": "$exp"}}]}',
        DENIED,
    ),
]


def cases() -> list[Case]:
    out: list[Case] = []
    for peer in PEERS:
        for name, method, path, body, expect in CALLS:
            out.append(Case(CLS, peer, name, method, API + path, expect, body=body))
        for name, method, target, headers, body, expect in OTHERS:
            out.append(
                Case(
                    CLS,
                    peer,
                    name,
                    method,
                    target,
                    expect,
                    headers=headers,
                    body=body,
                    json=not headers and name != "artifact-upload",
                )
            )
    for peer in ("lb", "ingress"):
        for name, method, path, body, expect in CALLS:
            out.append(Case(CLS, peer, f"ajax-{name}", method, AJAX + path, expect, body=body))
    return out


CASES = cases()
