"""Google-signed OIDC ID tokens from Application Default Credentials, refreshed ahead of expiry.

The credential chosen: an ID token whose audience is IAP's OAuth client id. IAP accepts it from
a service account (a key file, the metadata server on GCE/GKE/Cloud Run, workload identity
federation with service account impersonation in CI, `gcloud auth application-default login
--impersonate-service-account`) and from a user's ADC (`gcloud auth application-default
login`: the refresh returns an ID token for gcloud's own OAuth client, which IAP accepts once
that client is allowed for programmatic access). An access token would need IAP to accept
the openid/email scopes of whatever client minted it, and a self-signed JWT needs
iam.serviceAccounts.signJwt for every user: the ID token works for both kinds of principal.

GoogleIdTokens is the only code that talks to Google (through google-auth); everything else
sees a TokenSource.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC
from typing import Any, Protocol


class TokenSource(Protocol):
    def fetch(self) -> tuple[str, float]:
        """A fresh token and its expiry (epoch seconds)."""
        ...


class GoogleIdTokens:
    """ID tokens for `audience` from Application Default Credentials (google-auth)."""

    def __init__(self, audience: str) -> None:
        if not audience:
            raise ValueError(
                "MLFLOW_IAP_AUDIENCE is not set: IAP's OAuth client id "
                "(docs/access.md#getting-in-a-browser-a-notebook-a-ci-job)"
            )
        self.audience = audience
        self._credentials: Any = None
        self._user = False

    def _request(self) -> Any:
        from google.auth.transport.requests import Request

        return Request()

    def fetch(self) -> tuple[str, float]:
        import google.auth
        from google.auth import jwt
        from google.oauth2 import credentials as user_credentials
        from google.oauth2 import id_token

        request = self._request()
        if self._credentials is None:
            found, _ = google.auth.default()
            self._user = isinstance(found, user_credentials.Credentials)
            self._credentials = (
                found if self._user else id_token.fetch_id_token_credentials(self.audience, request)
            )
        self._credentials.refresh(request)
        if self._user:
            token = getattr(self._credentials, "id_token", None)
            if not token:
                raise RuntimeError(
                    "the user's Application Default Credentials returned no ID token: run "
                    "gcloud auth application-default login again"
                )
            claims = jwt.decode(token, verify=False)
            if claims.get("aud") != self.audience:
                raise RuntimeError(
                    f"your Application Default Credentials give ID tokens for OAuth client "
                    f"{claims.get('aud')}, not MLFLOW_IAP_AUDIENCE={self.audience}: run gcloud "
                    "auth application-default login --client-id-file=<that client's JSON>"
                )
            expiry = float(claims["exp"])
        else:
            token = self._credentials.token
            expiry = self._credentials.expiry.replace(tzinfo=_utc()).timestamp()
        return str(token), expiry


def _utc() -> Any:

    return UTC


class FreshToken:
    """The current token, refreshed `margin` seconds before it expires (half its lifetime
    when that is shorter), so that a long run never sends an expired one. Thread-safe."""

    def __init__(
        self, source: TokenSource, *, margin: float = 300.0, clock: Callable[[], float] = time.time
    ) -> None:
        self.source, self.margin, self.clock = source, margin, clock
        self._token: str | None = None
        self._expiry = 0.0
        self._refresh_at = 0.0
        self.refreshes = 0
        self._lock = threading.Lock()

    def get(self) -> str:
        with self._lock:
            if self._token is None or self.clock() >= self._refresh_at:
                issued = self.clock()
                self._token, self._expiry = self.source.fetch()
                margin = min(self.margin, max(0.0, (self._expiry - issued) / 2))
                self._refresh_at = self._expiry - margin
                self.refreshes += 1
            return self._token
