"""Every environment's manifests against external checkers: Kubernetes and CRD schemas, checkov.

"Every environment": each config/*.yaml's committed output (dist/, dist/<env>/) and each fixture
config's (tests/conftest.py manifest_sets).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from settings import REPO_ROOT

DIST = REPO_ROOT / "dist"
CRDS = REPO_ROOT / "k8s" / "crds"
BIN = REPO_ROOT / ".venv" / "bin"
KUBERNETES_VERSIONS = [f"1.{minor}.0" for minor in range(30, 37)]


def _objects(folder: Path) -> list[dict[str, Any]]:
    return [
        doc
        for path in sorted(folder.rglob("*.k8s.yaml"))
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
def core_objects_files(tmp_path_factory: pytest.TempPathFactory, manifest_sets: Path) -> list[Path]:
    """One file of core (non-custom) objects per environment."""
    schemas = _crd_schemas()
    folder = tmp_path_factory.mktemp("core")
    files = []
    for env in sorted(p for p in manifest_sets.iterdir() if p.is_dir()):
        core = [o for o in _objects(env) if not _is_custom(o, schemas)]
        files.append(folder / f"{env.name}.yaml")
        files[-1].write_text(yaml.safe_dump_all(core, sort_keys=False))
    return files


def _validate(paths: list[Path], version: str) -> str:
    result = subprocess.run(
        [
            str(BIN / "kubernetes-validate"),
            "--strict",
            "--kubernetes-version",
            version,
            *map(str, paths),
        ],
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
def test_core_objects_validate_strictly(version: str, core_objects_files: list[Path]) -> None:
    output = _validate(core_objects_files, version)
    total = sum(len(list(yaml.safe_load_all(p.read_text()))) for p in core_objects_files)
    assert output.count("passed for resource") == total, output
    assert "WARN" not in output, output
    assert "ERROR" not in output, output


def test_the_gke_output_has_every_core_kind(manifest_sets: Path) -> None:
    kinds = {o["kind"] for o in _objects(manifest_sets / "fixture-gke")}
    assert kinds >= {
        "Namespace",
        "ServiceAccount",
        "ConfigMap",
        "Deployment",
        "Service",
        "PodDisruptionBudget",
        "Ingress",
        "NetworkPolicy",
    }


def test_every_custom_resource_matches_its_crd_schema(manifest_sets: Path) -> None:
    schemas = _crd_schemas()
    custom = [o for o in _objects(manifest_sets) if _is_custom(o, schemas)]
    assert {o["kind"] for o in custom} == {
        "SecretProviderClass",
        "PodMonitoring",
        "BackendConfig",
        "FrontendConfig",
        "ManagedCertificate",
        "Gateway",
        "HTTPRoute",
        "GCPBackendPolicy",
        "HealthCheckPolicy",
        "GCPGatewayPolicy",
    }
    for obj in custom:
        jsonschema.validate(obj, schemas[(obj["apiVersion"], obj["kind"])])


def test_crd_schemas_reject_a_misspelled_field(manifest_sets: Path) -> None:
    """The schemas are strict (additionalProperties: false), so a typo cannot slip through."""
    schemas = _crd_schemas()
    backend = next(o for o in _objects(manifest_sets) if o["kind"] == "BackendConfig")
    broken = {**backend, "spec": {**backend["spec"], "timeoutSecs": 600}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schemas[("cloud.google.com/v1", "BackendConfig")])


def test_every_non_core_kind_has_a_crd(manifest_sets: Path) -> None:
    core_groups = {
        "v1",
        "apps/v1",
        "batch/v1",
        "policy/v1",
        "networking.k8s.io/v1",
        "autoscaling/v2",
    }
    schemas = _crd_schemas()
    for obj in _objects(manifest_sets):
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
          image: europe-west1-docker.pkg.dev/p/r/mlflow-server:3.18.0-3
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
def test_checkov_kubernetes_passes_on_every_environment(manifest_sets: Path) -> None:
    """0 failed with the project config; without its 3 k8s skips, CKV_K8S_11/15/43 fail."""
    report = _checkov(manifest_sets)
    failed = [(c["check_id"], c["file_path"]) for c in report["results"]["failed_checks"]]
    assert report["summary"]["failed"] == 0, failed
    environments = [p for p in manifest_sets.iterdir() if p.is_dir()]
    assert report["summary"]["passed"] > 50 * len(environments)


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
    for path in sorted(DIST.rglob("*.k8s.yaml")):
        for line in path.read_text().splitlines():
            if PRAGMA in line:
                key = line.strip().removeprefix("- ").split(":", 1)[0]
                assert key in MARKED_KEYS, f"{path.name}: {line}"
