"""What the comparison knows in advance, each entry with its reason.

* COMPAT_SHIMS: names an older test file imports that the pinned MLflow no longer has. The
  file would not import at all (no test would run in either run), so both runs get a stand-in
  that raises when called: only the tests that use the name fail, in both runs alike, and the
  report lists them among the baseline's failures. A shim is applied only where the name is
  missing, so a test file of the pinned tag gets none.
* DESELECTED: tests run in the baseline only, because what they test is the backend or the
  process MLflow's harness chose, which the deployment replaces by design (they are listed in
  the report, never counted as passing).
* EXPECTED_DIFFERENCES: tests that pass in the baseline and fail through the deployment on
  purpose: the deployment's intended behaviour, not a defect. Each reason names the part of
  the deployment that decides it.

Test ids are pytest's node ids without the file part (`test_name[param]`); a name without
brackets covers every parametrization.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shim:
    module: str
    name: str
    reason: str


@dataclass(frozen=True)
class Known:
    test: str
    reason: str

    def covers(self, test_id: str) -> bool:
        return test_id == self.test or test_id.startswith(self.test + "[")


COMPAT_SHIMS: tuple[Shim, ...] = (
    Shim(
        "mlflow.server.handlers",
        "_get_sampled_steps_from_steps",
        "a private helper MLflow 3 removed; test_rest_tracking.py of MLflow 2.x imports it at "
        "module level for one unit test (test_get_sampled_steps_from_steps)",
    ),
)

_LOCAL_ROOT = (
    "MLflow's harness gives its server a local artifact root (root_artifact_uri, a file:// folder "
    "of the test); the deployment's runs store artifacts at mlflow-artifacts:/ (its proxy to the "
    "bucket, MLFLOW_ARTIFACTS_DESTINATION), so there is no local run folder to test against"
)
DESELECTED: tuple[Known, ...] = (
    Known(
        "test_create_model_version_with_file_uri",
        "asserts the run's artifact URI is file:// and registers sources inside and outside "
        f"that local folder: {_LOCAL_ROOT}",
    ),
    Known(
        "test_create_model_version_with_path_source",
        "registers the run's local artifact folder (its URI without file://) as a model version "
        f"source and expects other local paths refused: {_LOCAL_ROOT}",
    ),
    Known(
        "test_logging_model_with_local_artifact_uri",
        f"asserts the run's artifact URI is a local file:// one: {_LOCAL_ROOT}",
    ),
)

_IAP_USER = (
    "the IAP plugin makes the verified caller the user of every run it creates, whatever the "
    "request says (mlflow_server/iap_auth/mlflow_iap_auth/identity.py, attribute_run): here "
    "the admin's email"
)
_LONG_URL = (
    "sends 1000 run ids in the query (a 14 KB URL) to see MLflow refuse more than 100; the "
    "ingress stand-in (nginx, 8 KB request-line buffers) refuses the line first with 414, so "
    "the request is refused either way. The deployment's server reads a 14 KB line (checked "
    "straight to the pod) and answers the other requests of the test, 101 ids included, with "
    "MLflow's 400; Google's load balancer's own URL limit is not modeled (docs/upgrade.md)"
)
EXPECTED_DIFFERENCES: tuple[Known, ...] = (
    Known(
        "test_create_get_search_experiment",
        "expects artifact_location='my_location' resolved in the test's working directory: "
        "MLflow resolves a relative location on the server (SqlAlchemyStore.create_experiment) "
        "and its harness runs the server in the test's directory; the deployment's server "
        "resolves it in its pod's. Search, deletion and paging, the rest of the test, pass "
        "through the deployment",
    ),
    Known(
        "test_artifacts",
        "asserts the experiment's artifact location lies in the test's folder (the "
        "root_artifact_uri MLflow's harness gives its server); the deployment's is "
        "mlflow-artifacts:/<id>, its proxy to the bucket. Logging, listing and downloading, "
        "artifact_path='.' included, pass through it: tests/e2e/test_artifact_download.py",
    ),
    Known("test_create_run_defaults", f"expects user_id 'unknown'; {_IAP_USER}"),
    Known(
        "test_create_promptlab_run_handler_returns_expected_results",
        f"expects the user_id the request names ('username'); {_IAP_USER}. The run's name, "
        "status, start time, params and tags match",
    ),
    Known(
        "test_gateway_proxy_handler_rejects_invalid_requests",
        "asks for a second server started with MLFLOW_DEPLOYMENTS_TARGET (extra_env, which a "
        "deployment cannot take: its server's environment is its ConfigMap's, which names no "
        "deployments target); without one MLflow answers the gateway proxy with "
        "{'endpoints': []} (handlers.gateway_proxy_handler), never the 400 the test expects",
    ),
    Known("test_get_metric_history_bulk_rejects_invalid_requests", _LONG_URL),
    Known("test_get_metric_history_bulk_interval_rejects_invalid_requests", _LONG_URL),
)


def known(test_id: str, entries: tuple[Known, ...]) -> Known | None:
    return next((k for k in entries if k.covers(test_id)), None)
