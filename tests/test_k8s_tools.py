"""dist/ against external checkers: Kubernetes schemas, the project's CRD schemas, checkov."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from settings import REPO_ROOT, Settings

DIST = REPO_ROOT / "dist"
CRDS = REPO_ROOT / "k8s" / "crds"
BIN = REPO_ROOT / ".venv" / "bin"
KUBERNETES_VERSIONS = [f"1.{minor}.0" for minor in range(30, 37)]


def _dist_objects() -> list[dict[str, Any]]:
    return [
        doc
        for path in sorted(DIST.glob("*.k8s.yaml"))
        for doc in yaml.safe_load_all(path.read_text())
        if doc
    ]


def _crd_schemas() -> dict[tuple[str, str], dict[str, Any]]:
    """(apiVersion, kind) -> openAPIV3Schema, from the project's own CRD files."""
    schemas = {}
    for path in sorted(CRDS.glob("*.yaml")):
        crd = yaml.safe_load(path.read_text())
        for version in crd["spec"]["versions"]:
            key = (f"{crd['spec']['group']}/{version['name']}", crd["spec"]["names"]["kind"])
            schemas[key] = version["schema"]["openAPIV3Schema"]
    return schemas


def _is_custom(obj: dict[str, Any], schemas: dict[tuple[str, str], Any]) -> bool:
    return (obj["apiVersion"], obj["kind"]) in schemas


@pytest.fixture(scope="module")
def core_objects_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    schemas = _crd_schemas()
    core = [o for o in _dist_objects() if not _is_custom(o, schemas)]
    path = tmp_path_factory.mktemp("core") / "core.yaml"
    path.write_text(yaml.safe_dump_all(core, sort_keys=False))
    return path


def _validate(path: Path, version: str) -> str:
    result = subprocess.run(
        [str(BIN / "kubernetes-validate"), "--strict", "--kubernetes-version", version, str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


@pytest.mark.tools
@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_core_objects_validate_strictly(version: str, core_objects_file: Path) -> None:
    output = _validate(core_objects_file, version)
    kinds = {
        "Namespace",
        "ServiceAccount",
        "ConfigMap",
        "Deployment",
        "Service",
        "PodDisruptionBudget",
        "Ingress",
        "NetworkPolicy",
    }
    passed = output.count("passed for resource")
    assert passed == len(kinds), output
    assert "WARN" not in output, output
    assert "ERROR" not in output, output


@pytest.mark.tools
@pytest.mark.parametrize("version", [KUBERNETES_VERSIONS[0], KUBERNETES_VERSIONS[-1]])
def test_local_profile_validates_strictly(
    version: str,
    local_settings: Settings,
    k8s_synth: Callable[[Settings], dict[str, list[dict[str, Any]]]],
    tmp_path: Path,
) -> None:
    """dist/local/ is never committed, so it is validated from a synth here."""
    charts = k8s_synth(local_settings)
    objects = [o for chart_id in sorted(charts) for o in charts[chart_id]]
    path = tmp_path / "local.yaml"
    path.write_text(yaml.safe_dump_all(objects, sort_keys=False))
    output = _validate(path, version)
    assert output.count("passed for resource") == len(objects), output


def test_every_custom_resource_in_dist_matches_its_crd_schema() -> None:
    schemas = _crd_schemas()
    custom = [o for o in _dist_objects() if _is_custom(o, schemas)]
    assert {o["kind"] for o in custom} == {
        "SecretProviderClass",
        "PodMonitoring",
        "BackendConfig",
        "FrontendConfig",
        "ManagedCertificate",
    }
    for obj in custom:
        jsonschema.validate(obj, schemas[(obj["apiVersion"], obj["kind"])])


def test_crd_schemas_reject_a_misspelled_field() -> None:
    """The schemas are strict (additionalProperties: false), so a typo cannot slip through."""
    schemas = _crd_schemas()
    backend = next(o for o in _dist_objects() if o["kind"] == "BackendConfig")
    broken = {**backend, "spec": {**backend["spec"], "timeoutSecs": 600}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schemas[("cloud.google.com/v1", "BackendConfig")])


def test_every_non_core_kind_has_a_crd() -> None:
    core_groups = {"v1", "apps/v1", "policy/v1", "networking.k8s.io/v1"}
    schemas = _crd_schemas()
    for obj in _dist_objects():
        assert obj["apiVersion"] in core_groups or _is_custom(obj, schemas), obj["kind"]


def test_imports_are_generated_from_the_crd_files() -> None:
    config = yaml.safe_load((REPO_ROOT / "cdk8s.yaml").read_text())
    files = {entry.split(":=", 1)[1] for entry in config["imports"]}
    assert files == {str(p.relative_to(REPO_ROOT)) for p in CRDS.glob("*.yaml")}
    for entry in config["imports"]:
        module = entry.split(":=", 1)[0]
        assert (REPO_ROOT / "imports" / module).is_dir(), module


# The original setup's shape: v1 proxy as a plain second container, JSON keys from a Secret,
# no securityContext, probes, resources or NetworkPolicy.
NAIVE_DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: mlflow, namespace: mlflow}
spec:
  replicas: 3
  selector: {matchLabels: {app: mlflow}}
  template:
    metadata: {labels: {app: mlflow}}
    spec:
      containers:
        - name: mlflow
          image: europe-west1-docker.pkg.dev/p/r/mlflow-server:3.17.2-1
          args: [server, --host, 0.0.0.0]
          ports: [{containerPort: 5000}]
          volumeMounts: [{name: keys, mountPath: /secrets, readOnly: true}]
        - name: cloud-sql-proxy
          image: gcr.io/cloudsql-docker/gce-proxy:1.31.2
          command: [/cloud_sql_proxy, "-instances=p:r:i=tcp:5432", -credential_file=/secrets/k]
          volumeMounts: [{name: keys, mountPath: /secrets, readOnly: true}]
      volumes: [{name: keys, secret: {secretName: mlflow-secret}}]
"""


def _checkov(folder: Path) -> dict[str, Any]:
    result = subprocess.run(
        [
            str(BIN / "checkov"),
            "--config-file",
            str(REPO_ROOT / ".checkov.yaml"),
            "--framework",
            "kubernetes",
            "--skip-download",
            "-o",
            "json",
            "-d",
            str(folder),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        cwd=REPO_ROOT,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
    )
    report: dict[str, Any] = json.loads(result.stdout)
    assert result.returncode == (1 if report["summary"]["failed"] else 0), result.stderr
    return report


@pytest.mark.tools
def test_checkov_kubernetes_passes_on_dist() -> None:
    """0 failed with the project config; without its 3 k8s skips, CKV_K8S_11/15/43 fail."""
    report = _checkov(DIST)
    failed = [c["check_id"] for c in report["results"]["failed_checks"]]
    assert report["summary"]["failed"] == 0, failed
    assert report["summary"]["passed"] > 50


@pytest.mark.tools
def test_checkov_config_still_catches_the_naive_manifest(tmp_path: Path) -> None:
    """Naive figure: the original setup's shape fails 16 checks under the same config."""
    (tmp_path / "naive.yaml").write_text(NAIVE_DEPLOYMENT)
    report = _checkov(tmp_path)
    failed = {c["check_id"] for c in report["results"]["failed_checks"]}
    assert len(failed) == 16, sorted(failed)
    assert {"CKV_K8S_8", "CKV_K8S_22", "CKV_K8S_38", "CKV2_K8S_6"} <= failed


def test_only_known_keys_carry_the_detect_secrets_pragma() -> None:
    from k8s.review import MARKED_KEYS, PRAGMA, mark_known_false_positives

    text = "automountServiceAccountToken: false\n  password: hunter2\nsecretProviderClass: x\n"
    marked = mark_known_false_positives(text).splitlines()
    assert marked[0].endswith(PRAGMA)
    assert marked[1] == "  password: hunter2"
    assert marked[2].endswith(PRAGMA)
    for path in sorted(DIST.glob("*.k8s.yaml")):
        for line in path.read_text().splitlines():
            if PRAGMA in line:
                key = line.strip().removeprefix("- ").split(":", 1)[0]
                assert key in MARKED_KEYS, f"{path.name}: {line}"
