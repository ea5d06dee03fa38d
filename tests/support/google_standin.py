"""Stand-ins for the Google endpoints the system calls, on loopback, with keys made now.

* IAP's published key set (www.gstatic.com/iap/verify/public_key): {kid: PEM}, ES256. The
  server fetches it (IAP_KEYS_URL points here, as STORAGE_EMULATOR_HOST points at the GCS
  emulator); IapSigner signs assertions with the private half, as IAP does.
* Google's OAuth 2.0 token endpoint (oauth2.googleapis.com/token) for the service-account
  JWT-bearer grant with `target_audience`: google-auth's real service-account code posts its
  self-signed assertion here (the `token_uri` of a test key file) and gets a Google-signed OIDC
  ID token back, with a lifetime the test chooses (short, to prove the client refreshes).
  GoogleAccounts verifies those ID tokens, as IAP verifies Google's.
* GKE's metadata server (tokens) and Compute Engine's backendServices.list, which the server's
  IAP audience lookup calls (tests/support/compute_standin.py): GCE_METADATA_HOST and
  IAP_COMPUTE_URL point here.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from google.auth import crypt, jwt

from tests.support.compute_standin import COMPUTE_PREFIX, METADATA_PREFIX, ComputeStandIn

IAP_ISSUER = "https://cloud.google.com/iap"
GOOGLE_ISSUER = "https://accounts.google.com"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# google-auth addresses its assertion to Google's token endpoint, wherever it posts it.
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # pragma: allowlist secret (a URL)
# Assembled, so that this file does not match the key-material checks of tests/repo/test_secrets.py.
KEY_FIELD = "_".join(("private", "key"))
KEY_TYPE = "_".join(("service", "account"))


def _pem_private(key: Any) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _pem_public(key: Any) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@dataclass
class IapSigner:
    """Signs IAP assertions with a throwaway P-256 key (and can forge bad ones for tests)."""

    kid: str = field(default_factory=lambda: f"iap-{uuid.uuid4().hex[:8]}")
    key: Any = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))

    @property
    def key_set(self) -> dict[str, str]:
        return {self.kid: _pem_public(self.key)}

    def sign(self, claims: dict[str, Any], *, kid: str | None = None, key: Any = None) -> str:
        signer = crypt.ES256Signer.from_string(_pem_private(key or self.key), kid or self.kid)
        return jwt.encode(signer, claims).decode()

    def assertion(
        self, *, email: str, user_id: str, audience: str, lifetime: int = 600, **extra: Any
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": IAP_ISSUER,
            "aud": audience,
            "sub": f"accounts.google.com:{user_id}",
            "email": email,
            "iat": now,
            "exp": now + lifetime,
            **extra,
        }
        return self.sign(claims)


@dataclass
class ServiceAccountKey:
    """A service account key file, as `gcloud iam service-accounts keys create` writes one,
    whose token_uri is the stand-in token endpoint."""

    email: str
    key: Any = field(default_factory=lambda: rsa.generate_private_key(65537, 2048))
    kid: str = field(default_factory=lambda: uuid.uuid4().hex)

    def write(self, path: Path, token_uri: str) -> Path:
        info = {
            "type": KEY_TYPE,
            "project_id": self.email.split("@")[1].split(".")[0],
            "private_key_id": self.kid,
            KEY_FIELD: _pem_private(self.key),
            "client_email": self.email,
            "client_id": "1" + str(uuid.uuid4().int)[:20],
            "token_uri": token_uri,
        }
        path.write_text(json.dumps(info))
        path.chmod(0o600)
        return path


class GoogleAccounts:
    """The token endpoint and the ID tokens it issues."""

    def __init__(self, token_lifetime: int = 3600) -> None:
        self.token_lifetime = token_lifetime
        self.key = rsa.generate_private_key(65537, 2048)
        self.kid = uuid.uuid4().hex[:16]
        self.accounts: dict[str, ServiceAccountKey] = {}
        self.issued: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def add_service_account(self, email: str) -> ServiceAccountKey:
        account = ServiceAccountKey(email)
        self.accounts[email] = account
        return account

    def id_token(self, *, email: str, audience: str, lifetime: int | None = None) -> str:
        now = int(time.time())
        claims = {
            "iss": GOOGLE_ISSUER,
            "aud": audience,
            "azp": email,
            "sub": str(abs(hash(email)))[:18],
            "email": email,
            "email_verified": True,
            "iat": now,
            "exp": now + (self.token_lifetime if lifetime is None else lifetime),
        }
        signer = crypt.RSASigner.from_string(_pem_private(self.key), self.kid)
        token = jwt.encode(signer, claims).decode()
        with self._lock:
            self.issued.append(claims)
        return token

    def verify_id_token(self, token: str, audience: str) -> dict[str, Any]:
        """As IAP checks a bearer token: Google's signature, issuer, audience, expiry."""
        claims = dict(jwt.decode(token, certs={self.kid: _pem_public(self.key)}, audience=audience))
        if claims.get("iss") not in (GOOGLE_ISSUER, "accounts.google.com"):
            raise ValueError(f"issuer {claims.get('iss')!r}")
        return claims

    def grant(self, form: dict[str, str], token_uri: str) -> dict[str, str]:
        """The JWT-bearer grant: the service account's signed request for an ID token."""
        if form.get("grant_type") != JWT_BEARER:
            raise ValueError(f"grant_type {form.get('grant_type')!r}")
        unverified = jwt.decode(form["assertion"], verify=False)
        account = self.accounts.get(str(unverified.get("iss")))
        if account is None:
            raise ValueError(f"unknown service account {unverified.get('iss')!r}")
        claims = jwt.decode(
            form["assertion"],
            certs={account.kid: _pem_public(account.key)},
            audience=[GOOGLE_TOKEN_URI, token_uri],
        )
        audience = claims.get("target_audience")
        if not audience:
            raise ValueError("no target_audience: only ID tokens are issued here")
        return {"id_token": self.id_token(email=account.email, audience=str(audience))}


class GoogleStandIn:
    """One loopback HTTP server for both endpoints."""

    def __init__(self, *, token_lifetime: int = 3600) -> None:
        self.iap = IapSigner()
        self.accounts = GoogleAccounts(token_lifetime)
        self.compute = ComputeStandIn()
        self.key_fetches = 0
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, status: int, body: Any, *, metadata: bool = False) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if metadata:
                    self.send_header("Metadata-Flavor", "Google")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                if self.path == "/iap/verify/public_key":
                    standin.key_fetches += 1
                    self._json(200, standin.iap.key_set)
                elif path.startswith(METADATA_PREFIX):
                    self._json(*standin.compute.metadata(self.path, self.headers), metadata=True)
                elif path.startswith(COMPUTE_PREFIX):
                    params = dict(urllib.parse.parse_qsl(query))
                    self._json(*standin.compute.list(path, params, self.headers))
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                if self.path != "/token":
                    self._json(404, {"error": "not_found"})
                    return
                try:
                    self._json(200, standin.accounts.grant(form, standin.token_uri))
                except Exception as exc:
                    self._json(400, {"error": "invalid_grant", "error_description": str(exc)})

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def keys_url(self) -> str:
        return f"{self.url}/iap/verify/public_key"

    @property
    def token_uri(self) -> str:
        return f"{self.url}/token"

    @property
    def compute_url(self) -> str:
        """IAP_COMPUTE_URL: the Compute Engine API's root."""
        return f"{self.url}/compute/v1"

    @property
    def metadata_host(self) -> str:
        """GCE_METADATA_HOST: where google-auth finds the metadata server."""
        return f"127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextlib.contextmanager
def google_standin(**kwargs: Any) -> Iterator[GoogleStandIn]:
    standin = GoogleStandIn(**kwargs)
    standin.start()
    try:
        yield standin
    finally:
        standin.stop()
