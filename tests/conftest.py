"""Fixtures shared by the tests of both apps."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from syrupy.assertion import SnapshotAssertion

from ops.toolchain import prefer_project_node
from settings import REPO_ROOT, Settings, load_settings
from settings.load import DEFAULT_ENV
from tests.support.configs import FIXTURE_ENVS, fixture_settings
from tests.support.make import EXAMPLE, EXAMPLE_LOCAL
from tests.support.snapshots import JsonSnapshot, YamlSnapshot

prefer_project_node()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def gke_settings() -> Settings:
    """A GKE environment this project creates (tests/configs/gke.yaml)."""
    return fixture_settings("gke")


@pytest.fixture(scope="session")
def local_settings() -> Settings:
    """A cluster outside Google Cloud, keyless (tests/configs/local.yaml)."""
    return fixture_settings("local")


@pytest.fixture(scope="session")
def keyed_settings() -> Settings:
    """The local profile with the service-account key opt-in (tests/configs/keyed.yaml)."""
    return fixture_settings("keyed")


@pytest.fixture(scope="session")
def knobs_settings() -> Settings:
    """Every workload knob set (tests/configs/knobs.yaml)."""
    return fixture_settings("knobs")


@pytest.fixture(scope="session")
def shared_settings() -> Settings:
    """platform gke-existing: a Standard cluster in a shared VPC (tests/configs/shared.yaml)."""
    return fixture_settings("shared")


@pytest.fixture(scope="session")
def cmek_settings() -> Settings:
    """Regional secrets, allowed locations and CMEK on every resource (docs/enterprise.md)."""
    return fixture_settings("cmek")


@pytest.fixture(scope="session")
def autopilot_settings() -> Settings:
    """platform gke-existing: an Autopilot cluster (tests/configs/autopilot.yaml)."""
    return fixture_settings("autopilot")


@pytest.fixture(scope="session")
def gkeautopilot_settings() -> Settings:
    """platform gke, cluster.mode autopilot (tests/configs/gkeautopilot.yaml)."""
    return fixture_settings("gkeautopilot")


@pytest.fixture(scope="session")
def gateway_settings() -> Settings:
    """platform gke, reached through the Gateway API (tests/configs/gateway.yaml)."""
    return fixture_settings("gateway")


@pytest.fixture(scope="session")
def perimeter_settings() -> Settings:
    """An enterprise organization: gke-existing in a shared VPC inside a VPC Service Controls
    perimeter, workforce sign-in, Cloud Armor, audit logs (tests/configs/perimeter.yaml)."""
    return fixture_settings("perimeter")


@pytest.fixture(scope="session")
def psc_settings() -> Settings:
    """platform gke, Cloud SQL through Private Service Connect, IAM login, Enterprise Plus C4A
    (tests/configs/psc.yaml)."""
    return fixture_settings("psc")


@pytest.fixture(scope="session")
def regulated_settings() -> Settings:
    """examples/config/regulated.yaml's twin: CMEK, PSC, VPC Service Controls, regional secrets
    (tests/configs/regulated.yaml)."""
    return fixture_settings("regulated")


@pytest.fixture(scope="session")
def e2e_settings() -> Settings:
    """platform gke, defaults, IAP identities on (tests/configs/e2e.yaml): what e2e deploys."""
    return fixture_settings("e2e")


@pytest.fixture(scope="session")
def default_settings() -> Settings:
    """The team's default environment (config/dev.yaml): what dist/ holds."""
    return load_settings(DEFAULT_ENV)


@pytest.fixture(scope="session")
def tf_synth(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Settings], dict[str, Any]]:
    """Synthesize an environment's stack on cdktf's Testing.app into a temporary folder."""
    from cdktf import Testing

    from infra.app import build

    cache: dict[str, dict[str, Any]] = {}

    def synth(settings: Settings) -> dict[str, Any]:
        key = settings.model_dump_json()
        if key not in cache:
            app = Testing.app(outdir=str(tmp_path_factory.mktemp("cdktf")))
            stack = build(app, settings)
            cache[key] = json.loads(Testing.synth(stack))
        return cache[key]

    return synth


@pytest.fixture(scope="session")
def k8s_synth() -> Callable[[Settings], dict[str, list[dict[str, Any]]]]:
    """Synthesize an environment's charts on cdk8s's Testing.app: {chart id: [objects]}."""
    from cdk8s import Testing

    from k8s.charts import build

    cache: dict[str, dict[str, list[dict[str, Any]]]] = {}

    def synth(settings: Settings) -> dict[str, list[dict[str, Any]]]:
        key = settings.model_dump_json()
        if key not in cache:
            app = Testing.app()
            try:
                charts = build(app, settings)
                cache[key] = {c.node.id: list(Testing.synth(c)) for c in charts}
            finally:
                _remove_app_outdir(app)
        return cache[key]

    return synth


def _remove_app_outdir(app: Any) -> None:
    """cdk8s's Testing.app() makes a temp folder per app; leave none behind."""
    import shutil

    outdir = Path(app.outdir)
    if outdir.is_dir() and str(outdir).startswith(tempfile.gettempdir()):
        shutil.rmtree(outdir, ignore_errors=True)


@pytest.fixture(scope="module")
def example_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A config folder with the docs' example environments, dev.yaml and local.yaml (a test may
    add its own beside them)."""
    folder = tmp_path_factory.mktemp("config")
    (folder / "dev.yaml").write_text(yaml.safe_dump(EXAMPLE))
    (folder / "local.yaml").write_text(yaml.safe_dump(EXAMPLE_LOCAL))
    return folder


@pytest.fixture
def json_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JsonSnapshot)


@pytest.fixture
def yaml_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(YamlSnapshot)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("CDKTF_OUTDIR", raising=False)
    monkeypatch.delenv("CDK8S_OUTDIR", raising=False)
    return monkeypatch


@pytest.fixture(scope="session")
def manifest_sets(
    tmp_path_factory: pytest.TempPathFactory,
    k8s_synth: Callable[[Settings], dict[str, list[dict[str, Any]]]],
) -> Path:
    """Every environment's manifests under one folder, `<label>/*.k8s.yaml`: the fixtures'
    synthesized here (`fixture-<env>`) and each config/<env>.yaml's as committed (`<env>`)."""
    import shutil

    from ops.environments import environments
    from settings.load import manifests_dir

    root = tmp_path_factory.mktemp("manifests")
    for env in FIXTURE_ENVS:
        folder = root / f"fixture-{env}"
        folder.mkdir()
        for chart_id, objects in sorted(k8s_synth(fixture_settings(env)).items()):
            text = yaml.safe_dump_all(objects, sort_keys=False)
            (folder / f"{chart_id}.k8s.yaml").write_text(text)
    for env in environments():
        folder = root / env
        folder.mkdir()
        for path in sorted(manifests_dir(load_settings(env)).glob("*.k8s.yaml")):
            shutil.copy(path, folder / path.name)  # not dist/'s subfolders: other environments
    return root


@pytest.fixture(scope="session")
def stack_sets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every environment's Terraform JSON under one folder, `<label>/cdk.tf.json`: the fixtures'
    synthesized here (`fixture-<env>`) and each config/<env>.yaml's as committed (`<env>`)."""
    from infra.app import synth
    from ops.checkov_input import scannable
    from ops.environments import STACKS, environments

    scratch = tmp_path_factory.mktemp("cdktf")
    root = tmp_path_factory.mktemp("stacks")
    for env in FIXTURE_ENVS:
        settings = fixture_settings(env)
        synth(settings, outdir=scratch / env)
        made = scratch / env / "stacks" / settings.names.terraform_stack / "cdk.tf.json"
        (root / f"fixture-{env}").mkdir()
        doc = scannable(json.loads(made.read_text()))
        (root / f"fixture-{env}" / "cdk.tf.json").write_text(json.dumps(doc))
    for env in environments():
        stack = load_settings(env).names.terraform_stack
        (root / env).mkdir()
        doc = scannable(json.loads((STACKS / stack / "cdk.tf.json").read_text()))
        (root / env / "cdk.tf.json").write_text(json.dumps(doc))
    return root
