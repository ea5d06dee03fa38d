"""Warnings for valid configs that are probably not what the team wants: a machine family
the region lacks, an unknown bucket location, a bucket in another geography, an empty IAP
list. They never stop a synth. Regions, zones and machine types missing from the shipped lists
are refused (warnings with GCP_LISTS=warn); the lists themselves are sound."""

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


STALE = (
    "settings/data/gcp_locations.json (as of {as_of}; if Google added it since, run "
    "`make refresh-gcp-lists`, or set GCP_LISTS=warn to accept it)"
)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"region": "europe-wst1", "cluster": {}},
            "t.yaml: region: region 'europe-wst1' is not a Google Cloud region in {stale}; "
            "did you mean 'europe-west1'?",
        ),
        # Another number is another place: no suggestion.
        (
            {"region": "europe-west11", "cluster": {}},
            "t.yaml: region: region 'europe-west11' is not a Google Cloud region in {stale}",
        ),
        (
            {"cluster": {"location": "us-central1-d"}},
            "t.yaml: zone 'us-central1-d' is not one of us-central1's zones (us-central1-a, "
            "us-central1-b, us-central1-c, us-central1-f) in {stale}; the closest real zone is "
            "'us-central1-c'",
        ),
        # e2-standard-3 is no typo of e2-standard-32: the series' sizes instead.
        (
            {"cluster": {"location": "us-central1", "machine_type": "e2-standard-3"}},
            "t.yaml: cluster.machine_type: machine type 'e2-standard-3' is not a predefined "
            "Compute Engine type in {stale}; e2-standard comes in 2, 4, 8, 16, 32 vCPUs",
        ),
        (
            {"cluster": {"location": "us-central1", "machine_type": "e2-standrad-4"}},
            "t.yaml: cluster.machine_type: machine type 'e2-standrad-4' is not a predefined "
            "Compute Engine type in {stale}; did you mean 'e2-standard-4'?",
        ),
    ],
)
def test_names_missing_from_the_lists_are_refused(
    changes: dict[str, object], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GCP_LISTS", raising=False)
    data = {k: v for k, v in GKE.items() if k != "network"} | changes
    with pytest.raises(ConfigError) as caught:
        parse_settings(yaml.safe_dump(data), env="dev", source="t.yaml")
    stale = STALE.format(as_of=locations.as_of())
    assert str(caught.value) == message.format(stale=stale)


def test_gcp_lists_warn_accepts_an_unlisted_name_with_a_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The escape hatch for lists older than a region or machine type Google just added."""
    monkeypatch.setenv("GCP_LISTS", "warn")
    data = {k: v for k, v in GKE.items() if k != "network"}
    data |= {"region": "europe-west11", "cluster": {"machine_type": "e2-standard-3"}}
    notes = advice(parse_settings(yaml.safe_dump(data), env="dev", source="t.yaml"))
    assert any(n.startswith("region 'europe-west11' is not a Google Cloud region") for n in notes)
    assert any(n.startswith("machine type 'e2-standard-3' is not a predefined") for n in notes)


@pytest.mark.parametrize(
    ("changes", "phrase"),
    [
        (
            {"region": "europe-north2", "cluster": {"machine_type": "n2-standard-4"}},
            "machine family n2 is not offered in europe-north2",
        ),
        ({"bucket": {"location": "eu"}}, "does not include the region 'us-central1'"),
        ({"bucket": {"location": "mars"}}, "not a Cloud Storage region, dual-region or multi"),
    ],
)
def test_far_away_names_are_warned_about(changes: dict[str, object], phrase: str) -> None:
    data = {k: v for k, v in GKE.items() if k != "network"} | changes
    settings = parse_settings(yaml.safe_dump(data), env="dev", source="t.yaml")
    notes = advice(settings)
    assert any(phrase in note for note in notes), notes
    assert all("make refresh-gcp-lists" in n or "across regions" in n for n in notes), notes


def test_an_empty_iap_member_list_warns_that_nobody_can_sign_in() -> None:
    notes = advice(_settings(ingress={"host": "tracking.acme.example", "iap_members": []}))
    assert (
        "ingress.iap_members is empty: IAP admits nobody, so nobody can sign in to MLflow "
        "through https://tracking.acme.example; add the groups or users who should "
        "(group:ml-team@example.com)"
    ) in notes


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
    environ = {**os.environ, "DEPLOY_CONFIG_DIR": str(tmp_path)}
    environ["CDKTF_OUTDIR"] = str(tmp_path / "o")
    proc = subprocess.run(
        [sys.executable, "-m", "infra.main"],
        cwd=REPO_ROOT,
        env={**environ, "GCP_LISTS": "warn"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "warning: region 'europe-west11'" in proc.stderr
    assert (tmp_path / "o" / "stacks").is_dir()
