"""`make local-oidc`: write the cluster's public token-signing keys where the config says.

    kubectl get --raw /openid/v1/jwks | python -m ops.oidc --jwks-file=F --issuer=I \\
        --discovery="$(kubectl get --raw /.well-known/openid-configuration)"

Checks that the keys are public keys only (the file is committed and uploaded to Google), then
writes them to `local.jwks_file` and compares the cluster's issuer with `local.oidc_issuer`:
the federation provider accepts only tokens of the issuer the config names.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ops.cli import run
from settings.errors import ConfigError
from settings.local import public_jwks
from settings.paths import REPO_ROOT


def write_jwks(*, jwks: str, jwks_file: str, issuer: str, discovery: str) -> str:
    """Write the keys and return the message for the user; raise ConfigError on a mismatch."""
    if not jwks_file:
        raise ConfigError(
            "local.jwks_file is not set: name the file for the cluster's keys, e.g. "
            "config/<env>.jwks.json, then run make local-oidc again"
        )
    try:
        found = json.loads(discovery)["issuer"]
    except (json.JSONDecodeError, KeyError, TypeError):
        raise ConfigError("the cluster's /.well-known/openid-configuration has no issuer") from None
    target = Path(jwks_file) if Path(jwks_file).is_absolute() else REPO_ROOT / jwks_file
    staging = target.with_name(f".{target.name}.new")
    staging.parent.mkdir(parents=True, exist_ok=True)
    staging.write_text(jwks)
    try:
        keys = public_jwks(str(staging))
    except ValueError as exc:
        staging.unlink()
        raise ConfigError(f"the cluster's JWKS: {exc}") from None
    staging.write_text(json.dumps(json.loads(keys), indent=2, sort_keys=True) + "\n")
    staging.replace(target)
    if found != issuer:
        raise ConfigError(
            f"wrote {jwks_file}; the cluster's issuer is {found!r} but local.oidc_issuer is "
            f"{issuer!r}: set local.oidc_issuer: {found} and run make deploy"
        )
    return f"wrote {jwks_file} ({len(json.loads(keys)['keys'])} keys) for issuer {found}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jwks-file", required=True)
    parser.add_argument("--issuer", required=True)
    parser.add_argument("--discovery", required=True)
    args = parser.parse_args()
    print(
        write_jwks(
            jwks=sys.stdin.read(),
            jwks_file=args.jwks_file,
            issuer=args.issuer,
            discovery=args.discovery,
        )
    )


if __name__ == "__main__":
    run(main)
