"""Org-policy settings: where the secrets are, the allowed locations, the CMEK keys."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from settings import ConfigError, Settings, parse_settings
from settings.encryption import KeyUse
from settings.modes import SecretLocation
from tests.support.configs import FIXTURES

CMEK = yaml.safe_load((FIXTURES / "cmek.yaml").read_text())
GKE = yaml.safe_load((FIXTURES / "gke.yaml").read_text())
KEY = "projects/acme-kms/locations/europe-west4/keyRings/r/cryptoKeys/k"


def _parse(data: dict[str, Any]) -> Settings:
    return parse_settings(yaml.safe_dump(data), env="t", source="t.yaml")


def _with(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(base)
    data.update(changes)
    return data


def test_existing_deployments_keep_global_secrets() -> None:
    assert _parse(GKE).modes.secret_location is SecretLocation.GLOBAL


def test_the_fixture_is_regional_and_encrypted() -> None:
    s = _parse(CMEK)
    assert s.modes.secret_location is SecretLocation.REGIONAL
    assert str(s.encryption.key_for(KeyUse.DATABASE)).endswith("/cryptoKeys/sql")
    assert str(s.encryption.key_for(KeyUse.DISKS)).endswith("/cryptoKeys/mlflow")


def test_global_secrets_are_refused_where_global_is_not_allowed() -> None:
    data = _with(GKE, region="europe-west4", locations={"allowed": ["in:eu-locations"]})
    data["cluster"]["location"] = "europe-west4"
    data["bucket"]["location"] = "eu"
    with pytest.raises(
        ConfigError, match=r"secrets.location .* 'global'.*secrets.location: regional"
    ):
        _parse(data)
    data["secrets"] = {"location": "regional"}
    assert _parse(data).modes.secret_location is SecretLocation.REGIONAL


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"region": "us-central1", "cluster": {"location": "us-central1-a"}}, "region"),
        ({"bucket": {"location": "eu"}, "encryption": {}}, None),
    ],
)
def test_every_location_is_checked(change: dict[str, Any], field: str | None) -> None:
    data = _with(CMEK, **change)
    data.pop("encryption", None)  # its key's location is checked on its own
    if field is None:  # the EU multi-region is inside in:eu-locations
        assert _parse(data).bucket_location == "EU"
        return
    with pytest.raises(ConfigError, match=rf"{field} puts .* not include"):
        _parse(data)


def test_a_london_key_is_outside_the_eu() -> None:
    data = _with(CMEK, encryption={"kms_key": KEY.replace("europe-west4", "europe-west2")})
    with pytest.raises(ConfigError, match=r"encryption.kms_key .*'europe-west2'"):
        _parse(data)


def test_a_region_value_allows_its_zones_only() -> None:
    data = _with(CMEK, locations={"allowed": ["europe-west4"]})
    assert _parse(data).cluster.location == "europe-west4-a"
    data["bucket"] = {"location": "eu"}
    data.pop("encryption")
    with pytest.raises(ConfigError, match=r"bucket.location puts the artifact bucket in 'eu'"):
        _parse(data)


def test_an_unknown_value_group_is_refused_with_the_rule() -> None:
    with pytest.raises(ConfigError, match=r"in:mars-locations.*list its regions"):
        _parse(_with(CMEK, locations={"allowed": ["in:mars-locations"]}))


def test_encryption_needs_regional_secrets() -> None:
    data = _with(CMEK, secrets={"location": "global"}, locations={})
    with pytest.raises(ConfigError, match=r"encryption needs secrets.location: regional"):
        _parse(data)


def test_keys_without_a_default_key_must_cover_every_resource() -> None:
    data = _with(CMEK, encryption={"keys": {"database": KEY, "bucket": KEY}})
    with pytest.raises(
        ConfigError, match=r"no key for \['secrets', 'registry', 'disks', 'cluster'\]"
    ):
        _parse(data)


def test_a_key_must_be_in_the_resources_location() -> None:
    data = _with(
        CMEK, locations={}, encryption={"kms_key": KEY.replace("europe-west4", "europe-west1")}
    )
    with pytest.raises(
        ConfigError, match=r"encryption.kms_key .* is in 'europe-west1', but the database"
    ):
        _parse(data)


def test_a_multi_region_bucket_cannot_take_the_regional_key() -> None:
    data = _with(CMEK, bucket={"location": "eu"})
    with pytest.raises(ConfigError, match=r"bucket.location 'eu' to be the region"):
        _parse(data)


def test_a_malformed_key_names_the_rule() -> None:
    with pytest.raises(ConfigError, match=r"cryptoKeys/<key>"):
        _parse(_with(CMEK, encryption={"kms_key": "projects/p/keyRings/r"}))
