"""Warnings for valid configs that are probably not what the team wants: unknown regions,
zones, machine types and bucket locations (checked against the shipped lists), a bucket in
another geography. They never stop a synth; the lists themselves are sound."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from settings import REPO_ROOT, ConfigError, Settings, locations, parse_settings
from settings.advice import advice
from tests.support.configs import FIXTURE_ENVS, fixture_settings

GKE = yaml.safe_load((REPO_ROOT / "tests/configs/gke.yaml").read_text())


def _settings(**changes: object) -> Settings:
    data = {**GKE, **changes}
    return parse_settings(yaml.safe_dump(data), env="dev", source="t.yaml")


@pytest.mark.parametrize("env", FIXTURE_ENVS)
def test_the_fixture_configs_earn_no_warning_but_the_state_one(env: str) -> None:
    notes = advice(fixture_settings(env))
    assert all("state_bucket" in note for note in notes), notes


@pytest.mark.parametrize(
    ("changes", "phrase"),
    [
        ({"region": "europe-west11", "cluster": {}}, "did you mean 'europe-west1'?"),
        ({"cluster": {"location": "us-central1-d"}}, "not one of us-central1's zones"),
        (
            {"cluster": {"location": "us-central1", "machine_type": "e2-standard-3"}},
            "e2-standard-32",
        ),
        (
            {"region": "europe-north2", "cluster": {"machine_type": "n2-standard-4"}},
            "machine family n2 is not offered in europe-north2",
        ),
        ({"bucket": {"location": "eu"}}, "does not include the region 'us-central1'"),
        ({"bucket": {"location": "mars"}}, "not a Cloud Storage region, dual-region or multi"),
    ],
)
def test_unknown_or_far_away_names_are_warned_about(
    changes: dict[str, object], phrase: str
) -> None:
    data = {k: v for k, v in GKE.items() if k != "network"} | changes
    settings = parse_settings(yaml.safe_dump(data), env="dev", source="t.yaml")
    notes = advice(settings)
    assert any(phrase in note for note in notes), notes
    assert all("make refresh-gcp-lists" in n or "across regions" in n for n in notes), notes


def test_a_malformed_bucket_location_is_an_error() -> None:
    with pytest.raises(ConfigError, match=r"bucket\.location: 'not a place!' must match"):
        _settings(bucket={"location": "not a place!"})


def test_dual_and_multi_regions_span_their_members() -> None:
    assert locations.bucket_location_members("EUR4") == ["europe-north1", "europe-west4"]
    assert "europe-west1" in (locations.bucket_location_members("eu") or [])
    assert locations.bucket_location_note("NAM4", "us-east1") is None


def test_the_shipped_lists_are_consistent() -> None:
    regions = locations.regions()
    assert len(regions) >= 40
    for region, zones in regions.items():
        assert zones, region
        assert all(z.startswith(region + "-") for z in zones), region
    data = locations._data()
    for members in data["gcs_dual_regions"].values():
        assert set(members) <= set(regions)
    assert set(data["machine_family_regions"]) >= {"e2", "n2", "n4", "c4"}
    assert "e2-standard-2" in data["machine_types"]
    assert not set(data["shared_core_machine_types"]) & set(data["machine_types"])


@pytest.mark.integration
def test_a_warning_never_stops_synth(tmp_path: Path) -> None:
    data = {**GKE, "region": "europe-west11", "cluster": {}}
    data.pop("network")
    (tmp_path / "dev.yaml").write_text(yaml.safe_dump(data))
    proc = subprocess.run(
        [sys.executable, "-m", "infra.main"],
        cwd=REPO_ROOT,
        env={**os.environ, "DEPLOY_CONFIG_DIR": str(tmp_path), "CDKTF_OUTDIR": str(tmp_path / "o")},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "warning: region 'europe-west11'" in proc.stderr
    assert (tmp_path / "o" / "stacks").is_dir()
