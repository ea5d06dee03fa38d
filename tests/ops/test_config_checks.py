"""What `make synth-all` checks before it rewrites anything (ops/environments.py: every config
valid, none spelled .yml, no two sharing a host or a name), and that a config error prints
intact through make: no `$` or `)` of a rule's pattern eaten, with make's own line after it."""

from __future__ import annotations

import copy
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from ops.environments import checked_environments
from settings import REPO_ROOT, ConfigError, load_settings
from settings.conflicts import conflicts
from tests.support.make import MAKE, OLD_STAMPS

GKE: dict[str, Any] = yaml.safe_load((REPO_ROOT / "tests/configs/gke.yaml").read_text())


def _write(folder: Path, env: str, data: dict[str, Any]) -> None:
    (folder / f"{env}.yaml").write_text(yaml.safe_dump(data))


def test_two_environments_on_one_host_are_refused_before_synth(tmp_path: Path) -> None:
    _write(tmp_path, "prod", GKE)
    _write(tmp_path, "stage", GKE)
    with pytest.raises(ConfigError) as caught:
        checked_environments(tmp_path)
    assert str(caught.value) == (
        "environments 'prod' and 'stage' both use ingress.host 'tracking.acme.example'"
    )


def test_the_same_namespace_of_one_cluster_is_refused(tmp_path: Path) -> None:
    shared = yaml.safe_load((REPO_ROOT / "tests/configs/shared.yaml").read_text())
    other = copy.deepcopy(shared)
    other["ingress"]["host"] = "other.acme.example"
    for data in (shared, other):
        data["server"] = {**data.get("server", {}), "namespace": "ml"}
    _write(tmp_path, "one", shared)
    _write(tmp_path, "two", other)
    found = conflicts(load_settings(env, tmp_path) for env in ("one", "two"))
    assert found == ["environments 'one' and 'two' both use namespace 'ml' of the same cluster"]


def test_distinct_environments_pass(tmp_path: Path) -> None:
    other = copy.deepcopy(GKE)
    other["ingress"]["host"] = "stage.acme.example"
    _write(tmp_path, "prod", GKE)
    _write(tmp_path, "stage", other)
    assert checked_environments(tmp_path) == ["prod", "stage"]


def test_a_yml_file_stops_synth_all(tmp_path: Path) -> None:
    _write(tmp_path, "prod", GKE)
    (tmp_path / "stage.yml").write_text("{}")
    with pytest.raises(ConfigError, match=r"stage\.yml: config files end in \.yaml: rename it"):
        checked_environments(tmp_path)


def test_every_bad_config_is_named_at_once(tmp_path: Path) -> None:
    _write(tmp_path, "a", {**GKE, "region": "mars-north1"})
    _write(tmp_path, "b", {**GKE, "prefix": "Bad"})
    with pytest.raises(ConfigError) as caught:
        checked_environments(tmp_path)
    assert [line.split(":")[0] for line in str(caught.value).splitlines()] == [
        str(tmp_path / "a.yaml"),
        str(tmp_path / "b.yaml"),
    ]


@pytest.mark.integration
@pytest.mark.parametrize("target", ["port-forward", "deploy"])
def test_a_rule_prints_intact_through_make(target: str, tmp_path: Path) -> None:
    """DNS-1123's pattern holds `$)`: make's eval once ate both characters."""
    _write(tmp_path, "bad", {**GKE, "ingress": {"host": "Bad_Host.acme.example"}})
    proc = subprocess.run(
        [MAKE, "-s", "-n", *OLD_STAMPS, target, "DEPLOY_ENV=bad"],
        cwd=REPO_ROOT,
        env={**os.environ, "DEPLOY_CONFIG_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert (
        f"error: {tmp_path / 'bad.yaml'}: ingress.host: 'Bad_Host.acme.example' must match "
        r"(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)* "
        "(DNS-1123 subdomain: dot-separated lowercase labels, at most 253 characters)\n"
    ) in proc.stderr
    assert "DEPLOY_ENV=bad: the config is not valid; the message above says why" in proc.stderr


@pytest.mark.integration
def test_synth_all_stops_on_a_conflict_before_writing(tmp_path: Path) -> None:
    _write(tmp_path, "prod", GKE)
    _write(tmp_path, "stage", GKE)
    proc = subprocess.run(
        [MAKE, "-s", *OLD_STAMPS, "synth-all"],
        cwd=REPO_ROOT,
        env={**os.environ, "DEPLOY_CONFIG_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode != 0
    assert (
        "error: environments 'prod' and 'stage' both use ingress.host 'tracking.acme.example'\n"
    ) in proc.stderr
    assert "synthesized" not in proc.stdout
