"""Fixtures shared by the tests of both apps."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from settings import REPO_ROOT, Settings, load_settings
from settings.toolchain import prefer_project_node
from tests.snapshots import JsonSnapshot, YamlSnapshot

prefer_project_node()
os.environ.setdefault("DEPLOY_ENV", "dev")

LOCAL_KEY_JSON = '{"type": "placeholder", "note": "a test stand-in for a key file"}\n'
LOCAL_DB_PASSWORD = "test-only-placeholder"  # pragma: allowlist secret


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def dev_settings() -> Settings:
    return load_settings("dev")


@pytest.fixture(scope="session")
def local_secret_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Stand-ins for the local profile's key file and password file (no real credential)."""
    folder = tmp_path_factory.mktemp("local-secrets")
    key, password = folder / "key.json", folder / "db-password"
    key.write_text(LOCAL_KEY_JSON)
    password.write_text(LOCAL_DB_PASSWORD + "\n")
    return key, password


@pytest.fixture(scope="session")
def local_settings(local_secret_files: tuple[Path, Path]) -> Settings:
    """config/local.yaml with its secret paths pointed at the test stand-ins."""
    settings = load_settings("local")
    assert settings.local is not None
    key, password = local_secret_files
    local = settings.local.model_copy(
        update={"key_file": str(key), "db_password_file": str(password)}
    )
    return settings.model_copy(update={"local": local})


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
