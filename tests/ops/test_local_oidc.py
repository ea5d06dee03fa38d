"""`make local-oidc` (settings/oidc.py): the cluster's public keys written to the JWKS file, after
checking the issuer the settings name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from settings import REPO_ROOT, ConfigError


def test_local_oidc_writes_the_keys_and_checks_the_issuer(tmp_path: Path) -> None:
    from ops.oidc import write_jwks

    jwks = (REPO_ROOT / "tests/configs/local.jwks.json").read_text()
    target = tmp_path / "cluster.jwks.json"
    discovery = json.dumps({"issuer": "https://kind.example"})
    message = write_jwks(
        jwks=jwks, jwks_file=str(target), issuer="https://kind.example", discovery=discovery
    )
    assert "1 keys" in message
    assert json.loads(target.read_text()) == json.loads(jwks)
    with pytest.raises(ConfigError, match=r"set local\.oidc_issuer: https://kind\.example"):
        write_jwks(jwks=jwks, jwks_file=str(target), issuer="https://other", discovery=discovery)
    bad = json.dumps({"keys": [{"kty": "RSA", "n": "x", "e": "AQAB", "d": "y"}]})
    with pytest.raises(ConfigError, match="private members"):
        write_jwks(
            jwks=bad, jwks_file=str(target), issuer="https://kind.example", discovery=discovery
        )
    assert json.loads(target.read_text()) == json.loads(jwks)  # the good file stays
