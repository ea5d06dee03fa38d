"""MLflow's request auth provider plugin `iap` (MLFLOW_TRACKING_AUTH=iap).

MLflow asks the provider for a `requests` auth object on every request (tracking calls and the
proxied artifact uploads and downloads alike); it adds `Authorization: Bearer <ID token>` when
the request goes to the tracking server's origin, and nothing to any other host.

Environment:
  MLFLOW_IAP_AUDIENCE                IAP's OAuth client id (required)
  MLFLOW_IAP_REFRESH_MARGIN_SECONDS  refresh this long before expiry (default 300)
  MLFLOW_TRACKING_URI                the https:// URL of the server behind IAP
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

import requests.auth

from mlflow_iap_client.tokens import FreshToken, GoogleIdTokens, TokenSource


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


class IapBearerAuth(requests.auth.AuthBase):
    def __init__(self, tracking_uri: str, token: FreshToken) -> None:
        if urlsplit(tracking_uri).scheme != "https":
            raise ValueError(
                f"MLFLOW_TRACKING_URI={tracking_uri!r}: IAP is reached over https:// only"
            )
        self.origin = _origin(tracking_uri)
        self.token = token

    def __call__(self, r: Any) -> Any:
        if _origin(r.url) == self.origin:
            r.headers["Authorization"] = f"Bearer {self.token.get()}"
        return r


class IapRequestAuthProvider:
    """Registered by entry point; MLflow keeps one instance, so the token is shared."""

    def __init__(self, source: TokenSource | None = None) -> None:
        self._source = source
        self._auth: IapBearerAuth | None = None

    def get_name(self) -> str:
        return "iap"

    def get_auth(self) -> IapBearerAuth:
        if self._auth is None:
            source = self._source or GoogleIdTokens(os.environ.get("MLFLOW_IAP_AUDIENCE", ""))
            margin = float(os.environ.get("MLFLOW_IAP_REFRESH_MARGIN_SECONDS", "300"))
            self._auth = IapBearerAuth(
                os.environ.get("MLFLOW_TRACKING_URI", ""), FreshToken(source, margin=margin)
            )
        return self._auth
