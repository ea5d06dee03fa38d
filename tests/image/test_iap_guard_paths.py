"""mlflow_iap_auth's request guard: one spelling per path, and artifact proxy paths that must
name an experiment, through the plugin's ASGI stack (tests/image/iap_stack.py) and against
MLflow's own reading of the same paths."""

from __future__ import annotations

import itertools
import json
from urllib.parse import unquote

import pytest
from mlflow.server.auth import _experiment_id_from_canonical_proxy_path
from mlflow.utils.uri import validate_path_is_safe
from mlflow_iap_auth.paths import artifact_proxy_path, path_refusal

from tests.image.iap_stack import (
    ADMIN_STACK,
    PORT_FORWARD_USER,
    RUN,
    SECRET,
    admitted,
    call,
)

# --- paths ----------------------------------------------------------------------------------

PATH_TRICKS = [
    # The reported bypass and its spellings.
    "/api/2.0/mlflow-artifacts/artifacts/./1/{run}/artifacts/s.txt",
    "/api/2.0/mlflow-artifacts/artifacts/%2e/1/{run}/artifacts/s.txt",
    "/api/2.0/mlflow-artifacts/artifacts/%2E/1/{run}/artifacts/s.txt",
    "/api/2.0/mlflow-artifacts/artifacts/.//1/{run}/artifacts/s.txt",
    "/ajax-api/2.0/mlflow-artifacts/artifacts/./1/{run}/artifacts/s.txt",
    "/api/2.0/mlflow-artifacts/artifacts//1/{run}/artifacts/s.txt",
    "/api/2.0/mlflow-artifacts/artifacts/1//{run}/artifacts/s.txt",
    "/api/2.0/mlflow-artifacts/artifacts/2/../1/{run}/artifacts/s.txt",
    "/api/2.0/mlflow-artifacts/artifacts/2/%2e%2e/1/{run}/artifacts/s.txt",
    "/api/2.0/mlflow-artifacts/artifacts/2/%2E%2e/1/{run}/artifacts/s.txt",
    "/api/2.0/mlflow-artifacts/artifacts/2%2f..%2f1/{run}/artifacts/s.txt",
    "/api/2.0/mlflow-artifacts/artifacts/2%2F..%2F1/{run}/artifacts/s.txt",
    "/api/2.0/mlflow-artifacts/artifacts/%252e/1/{run}/artifacts/s.txt",
    "/api/2.0/mlflow-artifacts/artifacts/%25252e/1/{run}/artifacts/s.txt",
    "/api/2.0/mlflow-artifacts/artifacts/%2525252525252e/1/{run}/artifacts/s.txt",
    "/api/2.0/mlflow-artifacts/artifacts/.%5c1/{run}/artifacts/s.txt",
    "/api/2.0/mlflow-artifacts/artifacts/.%5C1/{run}/artifacts/s.txt",
    "/api/2.0/mlflow-artifacts/artifacts/.\\1/{run}/artifacts/s.txt",
    "/api/2.0/mlflow-artifacts/artifacts/1/{run}/artifacts/s.txt%00",
    "/api/2.0/mlflow-artifacts/artifacts/1/{run}/artifacts/s.txt\x00",
    "/api/2.0/mlflow-artifacts/artifacts/1/{run}/artifacts/%0as.txt",
    "/api/2.0/mlflow-artifacts/artifacts/1/{run}/artifacts/s.txt/.",
    "/api/2.0/mlflow-artifacts/artifacts/1/{run}/artifacts/s.txt/..",
    "/api/2.0/mlflow-artifacts/mpu/create/./1/{run}/artifacts/s.txt",
    "/api/2.0/mlflow-artifacts/presigned/%2e/1/{run}/artifacts/s.txt",
    # Elsewhere: every family, the health path's neighbours.
    "//api/2.0/mlflow/experiments/search",
    "/api/2.0/mlflow/./experiments/search",
    "/api/2.0//mlflow/experiments/search",
    "/ajax-api/2.0/mlflow/experiments/%2e%2e/experiments/search",
    "/health/..",
    "/health/../api/2.0/mlflow/experiments/search",
    "/./health",
    "/health%2f..%2fapi/2.0/mlflow/experiments/search",
    "/graphql/.",
    "/v1/traces/./",
    "/gateway/proxy/./endpoint/chat",
    "/ajax-api/3.0/mlflow/assistant/%2e%2e/x",
    "/static-files/../../etc/passwd",
    "/static-files/%2e%2e/%2e%2e/etc/passwd",
]


@pytest.mark.parametrize("path", PATH_TRICKS)
def test_non_canonical_paths_are_refused(path: str) -> None:
    status, body = call(path.format(run=RUN))
    assert status == 400, body
    assert body.startswith("IAP: the path has "), body


QUERY_TRICKS = [
    b"run_id=r&path=..%2fs.txt",
    b"run_id=r&path=a/../../s.txt",
    b"run_id=r&path=a//s.txt",
    b"run_id=r&path=/etc/passwd",
    b"run_id=r&path=a%5cs.txt",
    b"run_id=r&path=a%255cs.txt",
    b"run_id=r&path=%252e%252e/s.txt",
    b"run_id=r&path=%2e",
    b"run_id=r&path=a%00",
    b"run_id=r&path=ok.txt&path=../s.txt",
    # A literal '.' segment is dropped (test_dot_segments_...); these are not.
    b"run_id=r&path=a%2F%2e",
    b"run_id=r&path=a%2F%252e",
    b"run_id=r&path=..%2F.",
]


@pytest.mark.parametrize(
    "route",
    [
        "/get-artifact",
        "/api/2.0/mlflow/artifacts/list",
        "/ajax-api/2.0/mlflow/artifacts/list",
        "/model-versions/get-artifact",
        "/api/2.0/mlflow-artifacts/artifacts",
    ],
)
@pytest.mark.parametrize("query", QUERY_TRICKS)
def test_non_canonical_artifact_path_parameters_are_refused(route: str, query: bytes) -> None:
    status, body = call(route, query=query)
    assert status == 400, body
    assert "the query parameter 'path'" in body, body


@pytest.mark.parametrize(
    "query",
    [
        b"artifact_file_path=../s.txt",
        b"artifact_file_path=a/%2e/s.txt",
        b"artifact_directory_path=%2e",  # a literal "." is dropped, an encoded one refused
        b"artifact_directory_path=a%2f..%2fb",
    ],
)
def test_logged_model_artifact_paths_are_checked_too(query: bytes) -> None:
    status, body = call("/ajax-api/2.0/mlflow/logged-models/m-1/artifacts/files", query=query)
    assert status == 400, body


@pytest.mark.parametrize(
    ("path", "query"),
    [
        (SECRET, b""),
        ("/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/a%20b.txt", b""),
        ("/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/a%25b.txt", b""),  # a file 'a%b'
        ("/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/..hidden/...", b""),
        ("/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/model.pkl", b""),
        ("/api/2.0/mlflow-artifacts/artifacts", b"path=1/r/artifacts/dir/"),
        ("/api/2.0/mlflow-artifacts/artifacts", b"path=1"),
        ("/get-artifact", b"run_id=r&path=dir/model.pkl"),
        ("/get-artifact", b"run_id=r&path=dir%2Fmodel.pkl"),  # '/' encoded once in a query
        ("/api/2.0/mlflow/artifacts/list", b"run_id=r&path="),
        ("/api/2.0/mlflow/artifacts/list", b"run_id=r&q=./x&path=a"),  # other parameters: free
        ("/api/2.0/mlflow/experiments/search", b""),
        ("/", b""),
        ("/static-files/static/js/main.js", b""),
    ],
)
def test_canonical_requests_pass(path: str, query: bytes) -> None:
    assert admitted(*call(path, query=query)) == PORT_FORWARD_USER


@pytest.mark.parametrize(
    ("route", "query", "seen"),
    [
        # What MLflow's client sends for download_artifacts(run_id=..., artifact_path="."):
        # the run's root as `<root>/.` ('/' encoded by requests), then `<root>/./<dir>`.
        ("/api/2.0/mlflow-artifacts/artifacts", b"path=1%2Fr%2Fartifacts%2F.", "1/r/artifacts"),
        (
            "/api/2.0/mlflow-artifacts/artifacts",
            b"path=1%2Fr%2Fartifacts%2F.%2Fd",
            "1/r/artifacts/d",
        ),
        ("/ajax-api/2.0/mlflow-artifacts/artifacts", b"path=1/r/artifacts/.", "1/r/artifacts"),
        ("/api/2.0/mlflow-artifacts/artifacts", b"path=.%2F1", "1"),
        ("/api/2.0/mlflow/artifacts/list", b"run_id=r&path=.", ""),
        ("/api/2.0/mlflow/artifacts/list", b"path=dir%2F.%2F.&run_id=r", "dir"),
        ("/get-artifact", b"run_id=r&path=./s.txt", "s.txt"),
        ("/get-artifact", b"run_id=r&pa%74h=a/./b", "a/b"),
        ("/get-artifact", b"run_id=r&path=a+b/./c", "a b/c"),
    ],
)
def test_dot_segments_of_artifact_path_parameters_are_dropped(
    route: str, query: bytes, seen: str
) -> None:
    """Rewritten before anything reads the query: MLflow (and its GCS store, which would list
    the prefix `<dir>/./` and find nothing) sees the one spelling."""
    status, body = call(route, query=query)
    assert admitted(status, body) == PORT_FORWARD_USER
    assert json.loads(body)["args"]["path"] == [seen]


# --- artifact proxy paths must name an experiment -------------------------------------------

NO_EXPERIMENT = [
    ("/api/2.0/mlflow-artifacts/artifacts/abc/r/artifacts/s.txt", b""),
    ("/ajax-api/2.0/mlflow-artifacts/artifacts/abc/s.txt", b""),
    ("/api/2.0/mlflow-artifacts/artifacts/01/r/artifacts/s.txt", b""),  # '01' names no grant
    ("/api/2.0/mlflow-artifacts/artifacts/+1/r/artifacts/s.txt", b""),
    ("/api/2.0/mlflow-artifacts/artifacts/workspaces/w/1/r/artifacts/s.txt", b""),
    ("/api/2.0/mlflow-artifacts/artifacts/", b""),
    ("/api/2.0/mlflow-artifacts/artifacts", b""),
    ("/api/2.0/mlflow-artifacts/artifacts", b"path="),
    ("/api/2.0/mlflow-artifacts/artifacts", b"path=models"),
    ("/api/2.0/mlflow-artifacts/artifacts", b"path=."),  # the store's root, as `path=`
    ("/ajax-api/2.0/mlflow-artifacts/artifacts", b"path=x/1"),
    ("/api/2.0/mlflow-artifacts/mpu/create/x/s.txt", b""),
    ("/api/2.0/mlflow-artifacts/mpu/complete/x/s.txt", b""),
    ("/ajax-api/2.0/mlflow-artifacts/mpu/abort/x/s.txt", b""),
    ("/api/2.0/mlflow-artifacts/presigned/x/s.txt", b""),
    ("/api/2.0/mlflow-artifacts/other/1/s.txt", b""),
]


@pytest.mark.parametrize(("path", "query"), NO_EXPERIMENT)
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "POST"])
def test_artifact_paths_naming_no_experiment_are_for_admins_only(
    path: str, query: bytes, method: str
) -> None:
    status, body = call(path, query=query, method=method)
    assert status == 403, body
    assert "names no experiment" in body
    assert admitted(*call(path, query=query, method=method, app=ADMIN_STACK)) == PORT_FORWARD_USER


@pytest.mark.parametrize(
    "path",
    [
        "/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/s.txt",
        "/api/2.0/mlflow-artifacts/artifacts/1",
        "/ajax-api/2.0/mlflow-artifacts/artifacts/123456789/r/artifacts/s.txt",
        "/api/2.0/mlflow-artifacts/mpu/create/7/r/artifacts/big.bin",
        "/api/2.0/mlflow-artifacts/presigned/7/r/artifacts/big.bin",
    ],
)
def test_artifact_paths_naming_an_experiment_pass(path: str) -> None:
    assert admitted(*call(path)) == PORT_FORWARD_USER


# --- against MLflow's own reading -----------------------------------------------------------

SEGMENTS = [".", "..", "", "%2e", "%2E", "%252e", "%2f", "%5c", "\\", "1", "01", "x", RUN, "a.b"]


def test_no_admitted_spelling_names_another_experiment_than_mlflow_reads() -> None:
    """Every artifact proxy path the guard admits (to a non-admin) is one MLflow's permission
    check and its store read alike: MLflow's experiment id is the path's first segment, and
    its safe path is the path itself. Exhaustive over 4 segments of a hostile alphabet."""
    admitted_count = 0
    for parts in itertools.product(SEGMENTS, repeat=4):
        raw = "/api/2.0/mlflow-artifacts/artifacts/" + "/".join(parts)
        scope = {"path": unquote(raw), "raw_path": raw.encode(), "query_string": b""}
        if path_refusal(scope) is not None:
            continue
        store_path = artifact_proxy_path(scope)
        assert store_path is not None
        first = store_path.split("/")[0]
        if not (first.isdigit() and str(int(first)) == first):
            continue  # ExperimentScope refuses it to non-admins
        admitted_count += 1
        safe = validate_path_is_safe(store_path)
        assert safe == store_path, raw
        assert _experiment_id_from_canonical_proxy_path(safe) == first, raw
    assert admitted_count > 100


def test_no_admitted_query_path_names_another_experiment_than_mlflow_reads() -> None:
    """The same for the proxy's list route, whose path is a query parameter that the guard
    rewrites (its `.` segments dropped): what the app receives is what MLflow's permission
    check and its store read alike. Exhaustive over 4 segments, '/' plain and encoded."""
    admitted_count = 0
    for parts in itertools.product(SEGMENTS, repeat=4):
        for separator in ("/", "%2F"):
            query = b"path=" + separator.join(parts).encode()
            status, body = call("/api/2.0/mlflow-artifacts/artifacts", query=query)
            if status != 200:
                continue
            (store_path,) = json.loads(body)["args"]["path"]
            admitted_count += 1
            assert validate_path_is_safe(store_path) == store_path, query
            first = store_path.split("/")[0]
            assert first.isdigit(), query
            assert str(int(first)) == first, query
            assert _experiment_id_from_canonical_proxy_path(store_path) == first, query
    assert admitted_count > 100
