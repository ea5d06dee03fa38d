"""Path tricks: no spelling of a path gets a weaker permission check than its canonical form.

Design item 2: the raw path must be canonical (no `.`/`..` segments, no `//`, no encoded
`%2e` `%2f` `%5c` in any case, no backslash, no NUL or control characters), else 400; the
same for artifact paths in `path=` query parameters; an mlflow-artifacts path naming no
experiment is refused for non-admins. Bob (denied on Alice's experiment) tries each family:
mlflow-artifacts (REST and ajax), list, get-artifact, model-versions/get-artifact,
artifacts/list, Flask REST routes, GraphQL, OTLP, the gateway, FastAPI routes, and the health
path, which passes without an assertion. Through the ingress the same raw path reaches the
server (nginx proxies the URI as sent) unless nginx refuses it first (400 too). The
canonical forms are table_cross_user.py's.
"""

from __future__ import annotations

from tests.e2e.hostile.case import INGRESS, PEERS, Case, Expect, hidden, refused

CLS = "paths"
NON_CANONICAL = refused(400)
REFUSED = refused()
SECRET_FILE = "$exp/$run/artifacts/secret.txt"

# (name, the path after the family's prefix, expectation)
ARTIFACT_SPELLINGS: list[tuple[str, str, Expect]] = [
    ("dot-segment", f"/./{SECRET_FILE}", NON_CANONICAL),
    ("encoded-dot", f"/%2e/{SECRET_FILE}", NON_CANONICAL),
    ("encoded-dot-upper", f"/%2E/{SECRET_FILE}", NON_CANONICAL),
    ("dot-double-slash", f"/.//{SECRET_FILE}", NON_CANONICAL),
    ("double-slash", f"//{SECRET_FILE}", NON_CANONICAL),
    ("dot-dot", f"/x/../{SECRET_FILE}", NON_CANONICAL),
    ("encoded-dot-dot", f"/x/%2e%2e/{SECRET_FILE}", NON_CANONICAL),
    ("half-encoded-dot-dot", f"/x/.%2E/{SECRET_FILE}", NON_CANONICAL),
    ("dot-in-the-middle", "/$exp/./$run/artifacts/secret.txt", NON_CANONICAL),
    ("encoded-slashes", "/$exp%2f$run%2fartifacts%2fsecret.txt", NON_CANONICAL),
    ("encoded-slash-upper", "/$exp%2F$run/artifacts/secret.txt", NON_CANONICAL),
    ("encoded-backslash", f"/x%5c..%5c{SECRET_FILE}", NON_CANONICAL),
    ("backslash", "/$exp\\$run/artifacts/secret.txt", NON_CANONICAL),
    ("trailing-slash-dot", f"/{SECRET_FILE}/.", NON_CANONICAL),
    ("encoded-nul", f"/{SECRET_FILE}%00", NON_CANONICAL),
    ("dot-dot-semicolon", f"/x/..;/{SECRET_FILE}", REFUSED),
    ("overlong-utf8-dot", f"/%c0%ae/{SECRET_FILE}", REFUSED),
    ("trailing-dot", f"/{SECRET_FILE}.", REFUSED),
    ("no-experiment-segment", "/$run/artifacts/secret.txt", REFUSED),
]
ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts"
AJAX_ARTIFACTS = "/ajax-api/2.0/mlflow-artifacts/artifacts"

LIST_SPELLINGS: list[tuple[str, str, Expect]] = [
    # A plain `.` segment of a list's path names the folder it is in and is dropped (MLflow's
    # client lists a run's root as `<root>/.`): what is left is Alice's run, which the
    # permission check refuses Bob (403). Encoded and `..` spellings stay 400.
    ("list-dot", "./$exp/$run/artifacts", refused(403)),
    ("list-encoded-dot", "%2e/$exp/$run/artifacts", NON_CANONICAL),
    ("list-double-slash", "$exp//$run/artifacts", NON_CANONICAL),
    ("list-dot-dot", "x/../$exp/$run/artifacts", NON_CANONICAL),
    ("list-encoded-slashes", "$exp%2f$run%2fartifacts", REFUSED),
    ("list-leading-slash", "/$exp/$run/artifacts", REFUSED),
    ("list-no-experiment", "", REFUSED),
]

# From Bob's own run (or model version), up and into Alice's: `path=` traversal.
UP = "../../../$exp/$run/artifacts"
TRAVERSALS: list[tuple[str, str, Expect]] = [
    ("get-artifact-dot-dot", f"/get-artifact?run_id=$bob_run&path={UP}/secret.txt", NON_CANONICAL),
    (
        "get-artifact-encoded-dot-dot",
        "/get-artifact?run_id=$bob_run&path=%2e%2e/%2e%2e/%2e%2e/$exp/$run/artifacts/secret.txt",
        NON_CANONICAL,
    ),
    (
        "get-artifact-encoded-slashes",
        "/get-artifact?run_id=$bob_run&path=..%2f..%2f..%2f$exp%2f$run%2fartifacts%2fsecret.txt",
        NON_CANONICAL,
    ),
    ("get-artifact-absolute", "/get-artifact?run_id=$bob_run&path=/etc/passwd", REFUSED),
    (
        "get-artifact-backslashes",
        "/get-artifact?run_id=$bob_run&path=..%5c..%5c..%5c$exp%5c$run%5cartifacts%5csecret.txt",
        REFUSED,
    ),
    (
        "model-version-artifact-dot-dot",
        f"/model-versions/get-artifact?name=$bob_model&version=1&path={UP}/secret.txt",
        NON_CANONICAL,
    ),
    (
        "artifacts-list-dot-dot",
        f"/api/2.0/mlflow/artifacts/list?run_id=$bob_run&path={UP}",
        NON_CANONICAL,
    ),
    (
        "ajax-artifacts-list-dot-dot",
        f"/ajax-api/2.0/mlflow/artifacts/list?run_id=$bob_run&path={UP}",
        NON_CANONICAL,
    ),
    (
        "trace-artifact-dot-dot",
        "/ajax-api/2.0/mlflow/get-trace-artifact?request_id=tr-x&path=../../../$exp",
        REFUSED,
    ),
]

GRAPHQL_BODY = '{"query": "{ mlflowGetExperiment(input: {experimentId: \\"$exp\\"}) { experiment { name } } }"}'
OTLP = (("x-mlflow-experiment-id", "$exp"), ("Content-Type", "application/x-protobuf"))

# (name, method, target, headers, body, expectation): other families, spelled around.
ROUTES: list[tuple[str, str, str, tuple[tuple[str, str], ...], str | None, Expect]] = [
    (
        "rest-dot-segment",
        "GET",
        "/api/2.0/mlflow/./experiments/get?experiment_id=$exp",
        (),
        None,
        NON_CANONICAL,
    ),
    (
        "rest-leading-double-slash",
        "GET",
        "//api/2.0/mlflow/experiments/get?experiment_id=$exp",
        (),
        None,
        NON_CANONICAL,
    ),
    (
        "rest-inner-double-slash",
        "GET",
        "/api/2.0//mlflow/experiments/get?experiment_id=$exp",
        (),
        None,
        NON_CANONICAL,
    ),
    (
        "rest-encoded-slash",
        "GET",
        "/api/2.0/mlflow/experiments%2fget?experiment_id=$exp",
        (),
        None,
        NON_CANONICAL,
    ),
    ("rest-dot-dot", "GET", "/api/2.0/mlflow/x/../runs/get?run_id=$run", (), None, NON_CANONICAL),
    (
        "rest-encoded-letter",
        "GET",
        "/api/2.0/mlflow/experiments/%67et?experiment_id=$exp",
        (),
        None,
        REFUSED,
    ),
    (
        "rest-trailing-slash",
        "GET",
        "/api/2.0/mlflow/experiments/get/?experiment_id=$exp",
        (),
        None,
        REFUSED,
    ),
    (
        "ajax-dot-segment",
        "GET",
        "/ajax-api/2.0/mlflow/./runs/get?run_id=$run",
        (),
        None,
        NON_CANONICAL,
    ),
    (
        "ajax-encoded-dot-dot",
        "GET",
        "/ajax-api/2.0/mlflow/x/%2e%2e/runs/get?run_id=$run",
        (),
        None,
        NON_CANONICAL,
    ),
    (
        "ajax-metric-history-dot",
        "GET",
        "/ajax-api/2.0/mlflow/./metrics/get-history-bulk?run_id=$run&metric_key=m",
        (),
        None,
        NON_CANONICAL,
    ),
    ("graphql-dot-segment", "POST", "/./graphql", (), GRAPHQL_BODY, NON_CANONICAL),
    ("graphql-double-slash", "POST", "//graphql", (), GRAPHQL_BODY, NON_CANONICAL),
    ("graphql-dot-dot", "POST", "/x/../graphql", (), GRAPHQL_BODY, NON_CANONICAL),
    ("graphql-encoded-letter", "POST", "/%67raphql", (), GRAPHQL_BODY, hidden()),
    ("otlp-dot-segment", "POST", "/v1/./traces", OTLP, "", NON_CANONICAL),
    ("otlp-double-slash", "POST", "//v1/traces", OTLP, "", NON_CANONICAL),
    ("otlp-encoded-slash", "POST", "/v1%2ftraces", OTLP, "", NON_CANONICAL),
    ("gateway-dot-segment", "GET", "/gateway/./mlflow/v1/models", (), None, NON_CANONICAL),
    ("gateway-double-slash", "GET", "//gateway/mlflow/v1/models", (), None, NON_CANONICAL),
    (
        "gateway-proxy-dot-dot",
        "POST",
        "/gateway/proxy/x/../../../api/2.0/mlflow/experiments/get",
        (),
        "{}",
        NON_CANONICAL,
    ),
    ("jobs-dot-segment", "GET", "/ajax-api/3.0/jobs/./x", (), None, NON_CANONICAL),
    ("server-info-dot-dot", "GET", "/api/3.0/mlflow/x/../server-info", (), None, NON_CANONICAL),
]

# Around the health path, which passes without an assertion (Google's health checkers).
GET_EXP = "api/2.0/mlflow/experiments/get?experiment_id=$exp"
HEALTH: list[tuple[str, str, str, Expect]] = [
    ("health-dot-dot", "GET", f"/health/../{GET_EXP}", NON_CANONICAL),
    ("health-encoded-dot-dot", "GET", f"/health/%2e%2e/{GET_EXP}", NON_CANONICAL),
    ("health-encoded-dot-dot-upper", "GET", f"/health/%2E%2E/{GET_EXP}", NON_CANONICAL),
    (
        "health-encoded-slashes",
        "GET",
        "/health%2f..%2fapi%2f2.0%2fmlflow%2fexperiments%2fget?experiment_id=$exp",
        NON_CANONICAL,
    ),
    ("health-encoded-slash-upper", "GET", f"/health%2F..%2F{GET_EXP}", NON_CANONICAL),
    ("health-dot-then-dot-dot", "GET", f"/health/./../{GET_EXP}", NON_CANONICAL),
    ("health-double-slash-dot-dot", "GET", f"/health//../{GET_EXP}", NON_CANONICAL),
    ("health-dot-dot-semicolon", "GET", f"/health/..;/{GET_EXP}", REFUSED),
    ("health-nul", "GET", f"/health%00/../{GET_EXP}", NON_CANONICAL),
    (
        "health-backslashes",
        "GET",
        "/health\\..\\api\\2.0\\mlflow\\experiments\\get?experiment_id=$exp",
        NON_CANONICAL,
    ),
    ("health-trailing-dot-dot", "GET", "/health/..", NON_CANONICAL),
    ("health-trailing-dot", "GET", "/health/.", NON_CANONICAL),
    ("health-dot-prefix", "GET", "/./health", NON_CANONICAL),
    ("health-double-slash-prefix", "GET", "//health", NON_CANONICAL),
    ("health-trailing-slash", "GET", "/health/", REFUSED),
    ("health-trailing-period", "GET", "/health.", REFUSED),
    ("health-upper-case", "GET", "/HEALTH", REFUSED),
    (
        "health-to-artifact",
        "GET",
        f"/health/../api/2.0/mlflow-artifacts/artifacts/{SECRET_FILE}",
        NON_CANONICAL,
    ),
    (
        "health-to-ajax-artifact",
        "GET",
        f"/health/%2e%2e/ajax-api/2.0/mlflow-artifacts/artifacts/{SECRET_FILE}",
        NON_CANONICAL,
    ),
    ("health-to-graphql", "POST", "/health/../graphql", NON_CANONICAL),
    ("health-to-otlp", "POST", "/health/../v1/traces", NON_CANONICAL),
    ("health-to-users-create", "POST", "/health/../api/2.0/mlflow/users/create", NON_CANONICAL),
    ("health-to-metrics", "GET", "/health/../metrics", NON_CANONICAL),
]
HEALTH_BODIES = {
    "health-to-graphql": GRAPHQL_BODY,
    "health-to-users-create": '{"username": "mallory-$uid", "password": "x-$uid"}',  # pragma: allowlist secret
    "health-to-otlp": "",
}


def cases() -> list[Case]:
    out: list[Case] = []
    for peer in PEERS:
        for name, tail, expect in ARTIFACT_SPELLINGS:
            out.append(Case(CLS, peer, f"artifact-{name}", "GET", ARTIFACTS + tail, expect))
        for name, tail, expect in TRAVERSALS:
            out.append(Case(CLS, peer, name, "GET", tail, expect))
        # Health tricks: no credential straight at the pod (the health path needs none); Bob's
        # token through the ingress (IAP lets no one through without one). Port-forward may read
        # everything anyway, so its loopback is not tried here.
        if peer != "loopback":
            for name, method, target, expect in HEALTH:
                body = HEALTH_BODIES.get(name)
                who = "bob" if peer == INGRESS else None
                out.append(Case(CLS, peer, name, method, target, expect, who=who, body=body))
    for peer in ("lb", INGRESS):
        for name, tail, expect in ARTIFACT_SPELLINGS:
            out.append(
                Case(CLS, peer, f"ajax-artifact-{name}", "GET", AJAX_ARTIFACTS + tail, expect)
            )
        for name, path, expect in LIST_SPELLINGS:
            out.append(Case(CLS, peer, name, "GET", f"{ARTIFACTS}?path={path}", expect))
    for peer in ("lb", "node", INGRESS):
        for name, method, target, headers, body, expect in ROUTES:
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
                    json=not headers,
                )
            )
    return out


CASES = cases()
