"""The `local:` section: a Kubernetes cluster outside Google Cloud (platform local)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

from pydantic import Field, model_validator

from settings.paths import REPO_ROOT
from settings.types import HttpsUrl, Section


class LocalCredentials(StrEnum):
    """How pods of a cluster outside Google Cloud authenticate to Google Cloud."""

    # Keyless: the cluster's own service-account tokens, exchanged at Google's STS.
    FEDERATION = "workload_identity_federation"
    # An exported key: an explicit opt-in (secure-by-default organizations forbid creating one).
    SERVICE_ACCOUNT_KEY = "service_account_key"  # pragma: allowlist secret


class LocalSettings(Section):
    """A Kubernetes cluster outside Google Cloud (platform local): docker-desktop, kind."""

    credentials: LocalCredentials = Field(
        LocalCredentials.FEDERATION,
        description="How the pods authenticate: `workload_identity_federation` (keyless: the "
        "cluster's service-account tokens are exchanged for the workload service account's) or "
        "`service_account_key` (a key kept in Terraform state and a Kubernetes Secret; "
        "secure-by-default organizations refuse to create one).",
    )
    oidc_issuer: HttpsUrl | None = Field(
        None,
        description="The cluster's service-account token issuer (`make local-oidc` prints it). "
        "Required for workload_identity_federation.",
    )
    jwks_file: str | None = Field(
        None,
        description="The cluster's public token-signing keys (JWKS), relative to the "
        "repository root; uploaded to the identity provider, so the issuer need not be "
        "reachable from the internet. `make local-oidc` writes it. None: Google fetches the "
        "keys from the issuer, which must then be public.",
    )
    token_expiration_seconds: int = Field(
        3600,
        ge=600,
        le=86400,
        description="Lifetime of the projected service-account token (the kubelet renews it "
        "at 80 %; Kubernetes' minimum is 600).",
    )
    service_port: int = Field(8080, ge=1, le=65535, description="LoadBalancer port (localhost).")

    @model_validator(mode="after")
    def _federation_inputs(self) -> LocalSettings:
        if self.credentials is LocalCredentials.FEDERATION:
            if self.oidc_issuer is None:
                raise ValueError(
                    "credentials workload_identity_federation needs oidc_issuer, the cluster's "
                    "token issuer (`make local-oidc` prints it)"
                )
            if self.jwks_file is not None:
                public_jwks(self.jwks_file)
        elif self.oidc_issuer is not None or self.jwks_file is not None:
            raise ValueError(
                "oidc_issuer and jwks_file only apply to credentials workload_identity_federation"
            )
        return self

    @property
    def federated(self) -> bool:
        return self.credentials is LocalCredentials.FEDERATION

    def jwks_json(self) -> str | None:
        """The JWKS file's keys as compact JSON, or None when Google reads them from the issuer."""
        return public_jwks(self.jwks_file) if self.jwks_file else None


# Members of a JSON Web Key that only a private key has (RFC 7518, sections 6.2.2, 6.3.2, 6.4).
_PRIVATE_JWK_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


def public_jwks(path: str) -> str:
    """Read a JWKS file of public keys only and return it as compact JSON."""
    file = Path(path) if Path(path).is_absolute() else REPO_ROOT / path
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(
            f"jwks_file {path!r}: no such file (write it with `make local-oidc`)"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"jwks_file {path!r}: not a JSON file ({exc})") from None
    keys = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(keys, list) or not keys or not all(isinstance(k, dict) for k in keys):
        raise ValueError(
            f"jwks_file {path!r}: must be a JWKS, an object with a non-empty 'keys' list"
        )
    for key in keys:
        if "kty" not in key:
            raise ValueError(f"jwks_file {path!r}: every key needs a 'kty' member")
        private = sorted(_PRIVATE_JWK_MEMBERS & set(key))
        if private:
            raise ValueError(
                f"jwks_file {path!r}: key {key.get('kid', '?')!r} holds private members "
                f"{', '.join(private)}; upload public keys only"
            )
    return json.dumps(data, separators=(",", ":"), sort_keys=True)
