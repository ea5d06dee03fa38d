"""Where the Secret Manager add-on finds the secrets: global or regional resource names."""

from __future__ import annotations

from k8s.secrets import secret_location_for
from ops.cluster_secrets import SECRET_ADDRESS
from settings.modes import SecretLocation
from tests.support.configs import fixture_settings


def test_regional_secrets_are_named_with_their_location() -> None:
    s = fixture_settings("cmek")
    assert secret_location_for(s).latest_version("x") == (
        "projects/acme-ml-regulated/locations/europe-west4/secrets/x/versions/latest"
    )
    assert "--location=europe-west4" in SECRET_ADDRESS[SecretLocation.REGIONAL](s, "x")


def test_global_secrets_keep_their_name() -> None:
    s = fixture_settings("gke")
    assert secret_location_for(s).latest_version("x") == (
        "projects/acme-ml-platform/secrets/x/versions/latest"
    )
