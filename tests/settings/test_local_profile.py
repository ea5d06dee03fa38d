"""The local profile's settings: federation needs the cluster's issuer and the project number, and
the JWKS file holds public keys only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from settings import ConfigError
from settings.local import public_jwks


def test_federation_needs_the_issuer_and_the_project_number() -> None:
    from settings import parse_settings

    base = {
        "project_id": "acme-ml-laptop",
        "region": "europe-west4",
        "platform": "local",
        "database": {"allow_public_ip": True},
    }
    with pytest.raises(ConfigError, match="needs oidc_issuer"):
        parse_settings(yaml.safe_dump({**base, "local": {}}), env="t", source="t.yaml")
    issuer = {"local": {"oidc_issuer": "https://kubernetes.default.svc"}}
    with pytest.raises(ConfigError, match=r"needs project_number .*gcloud projects describe"):
        parse_settings(yaml.safe_dump({**base, **issuer}), env="t", source="t.yaml")


def test_jwks_file_must_hold_public_keys_only(tmp_path: Path) -> None:
    private = tmp_path / "private.jwks.json"
    private.write_text(json.dumps({"keys": [{"kty": "EC", "kid": "k", "d": "secret-part"}]}))
    with pytest.raises(ValueError, match="private members d; upload public keys only"):
        public_jwks(str(private))
    with pytest.raises(ValueError, match=r"no such file .*make local-oidc"):
        public_jwks(str(tmp_path / "absent.json"))
    (tmp_path / "list.json").write_text("[]")
    with pytest.raises(ValueError, match="must be a JWKS"):
        public_jwks(str(tmp_path / "list.json"))
