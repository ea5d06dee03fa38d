"""mlflow_entrypoint.garbage_collection: `mlflow gc` with proxied artifacts resolved against the
artifacts destination, the options it owns, and its error messages without the URI.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from mlflow_entrypoint.backend import backend_uri, redact
from mlflow_entrypoint.contract import MLFLOW_BACKEND_STORE_URI_ENV
from mlflow_entrypoint.garbage_collection import resolve_proxied_artifacts

from tests.image.entrypoint_env import TRICKY, pod_env, run_entrypoint


def test_proxied_artifacts_resolve_against_the_destination(monkeypatch: pytest.MonkeyPatch) -> None:
    """`mlflow-artifacts:/<path>` is `<MLFLOW_ARTIFACTS_DESTINATION>/<path>`, as the server maps
    it, also when the URI names a server; an unsafe path is refused."""
    from mlflow.exceptions import MlflowException
    from mlflow.store.artifact import artifact_repository_registry as registry

    original = registry._artifact_repository_registry._registry["mlflow-artifacts"]
    monkeypatch.setitem(
        registry._artifact_repository_registry._registry, "mlflow-artifacts", original
    )
    resolve_proxied_artifacts("file:///srv/artifacts/")
    for uri in (
        "mlflow-artifacts:/1/abc/artifacts",
        "mlflow-artifacts://server:5000/1/abc/artifacts",
    ):
        repo = registry.get_artifact_repository(uri)
        assert repo.artifact_uri == "file:///srv/artifacts/1/abc/artifacts", uri
    with pytest.raises(MlflowException, match="Invalid path"):
        registry.get_artifact_repository("mlflow-artifacts:/1/../../etc")


@pytest.mark.parametrize(
    "option", ["--backend-store-uri=sqlite://", "--tracking-uri", "--artifacts-destination=gs://x"]
)
@pytest.mark.integration
def test_gc_refuses_the_options_the_entry_point_sets(tmp_path: Path, option: str) -> None:
    env = pod_env(tmp_path, MLFLOW_ARTIFACTS_DESTINATION="gs://bucket/artifacts")
    proc = run_entrypoint(["gc", option], env)
    assert proc.returncode == 2
    assert f"{option.split('=')[0]} is set by the entry point" in proc.stderr


@pytest.mark.integration
def test_gc_needs_the_artifacts_destination_not_the_passphrase(tmp_path: Path) -> None:
    env = pod_env(tmp_path, password=TRICKY)
    del env["KEK_PASSPHRASE_FILE"]  # gc leaves stored secrets alone
    proc = run_entrypoint(["gc", "--older-than=30d"], env)
    assert proc.returncode == 2
    assert "MLFLOW_ARTIFACTS_DESTINATION" in proc.stderr
    assert "KEK_PASSPHRASE_FILE" not in proc.stderr


def test_a_gc_error_message_loses_the_uri_and_the_password(tmp_path: Path) -> None:
    """`mlflow gc` fails with one line; what a driver quotes in it is redacted."""
    env = pod_env(tmp_path, password=TRICKY)
    uri = env[MLFLOW_BACKEND_STORE_URI_ENV] = backend_uri(env)
    message = f"cannot connect to {uri} as {TRICKY} ({quote(TRICKY, safe='')})"
    redacted = redact(message, env)
    assert redacted == "cannot connect to *** as *** (***)"
