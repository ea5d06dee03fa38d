"""Assertions an attacker can make, or replay, for the x-goog-iap-jwt-assertion header.

Each kind is one way to try to pass Google's IAP signature check
(https://cloud.google.com/iap/docs/signed-headers-howto#verifying_the_jwt_header: ES256, a kid
in Google's key set, iss https://cloud.google.com/iap, aud /projects/N/global/backendServices/
ID, iat/exp current). FORGED are refused by the server (403, IAP's reason); LOOKALIKES carry
IAP's valid signature with a name that looks like an admin's and must not become one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from tests.support.google_standin import GoogleStandIn, _pem_public

ISSUER = "https://cloud.google.com/iap"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _part(obj: Any) -> str:
    return _b64(json.dumps(obj).encode())


class Forger:
    """Builds each kind for one run: `email` is whom the attacker wants to be (an admin)."""

    def __init__(self, google: GoogleStandIn, *, audience: str, email: str) -> None:
        self.google, self.audience, self.email = google, audience, email
        self.attacker_key = ec.generate_private_key(ec.SECP256R1())
        self.p384_key = ec.generate_private_key(ec.SECP384R1())

    def claims(self, **changes: Any) -> dict[str, Any]:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": self.audience,
            "sub": "accounts.google.com:1001",
            "email": self.email,
            "iat": now,
            "exp": now + 600,
        }
        claims.update(changes)
        return {k: v for k, v in claims.items() if v is not None}

    def iap(self, **changes: Any) -> str:
        """Signed with IAP's own key: only a different claim can be wrong."""
        return self.google.iap.sign(self.claims(**changes))

    def attacker(self, header: dict[str, Any], claims: dict[str, Any] | None = None) -> str:
        """ES256 over the given header, with the attacker's own P-256 key."""
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

        signing_input = f"{_part(header)}.{_part(claims or self.claims())}"
        der = self.attacker_key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        return f"{signing_input}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"

    def unsigned(self, header: dict[str, Any], signature: str = "") -> str:
        return f"{_part(header)}.{_part(self.claims())}.{signature}"

    def hmac_with_public_key(self) -> str:
        """HS256 keyed with IAP's public key PEM: the classic algorithm-confusion forgery."""
        header = {"alg": "HS256", "kid": self.google.iap.kid, "typ": "JWT"}
        signing_input = f"{_part(header)}.{_part(self.claims())}"
        key = _pem_public(self.google.iap.key).encode()
        mac = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{_b64(mac)}"

    def attacker_jwk(self) -> dict[str, Any]:
        numbers = self.attacker_key.public_key().public_numbers()
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": _b64(numbers.x.to_bytes(32, "big")),
            "y": _b64(numbers.y.to_bytes(32, "big")),
        }

    def flip_signature(self, jwt: str) -> str:
        head, payload, sig = jwt.split(".")
        raw = bytearray(base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)))
        raw[5] ^= 0x01
        return f"{head}.{payload}.{_b64(bytes(raw))}"


def _kinds() -> dict[str, Callable[[Forger], str]]:
    kid = "kid"
    real_kid: Callable[[Forger], str] = lambda f: f.google.iap.kid  # noqa: E731
    return {
        "alg-none": lambda f: f.unsigned({"alg": "none", kid: real_kid(f)}),
        "alg-None": lambda f: f.unsigned({"alg": "None", kid: real_kid(f)}),
        "alg-NONE-with-signature": lambda f: f.unsigned(
            {"alg": "NONE", kid: real_kid(f)}, f.iap().split(".")[2]
        ),
        "alg-empty": lambda f: f.unsigned({"alg": "", kid: real_kid(f)}),
        "no-alg": lambda f: f.unsigned({kid: real_kid(f)}, f.iap().split(".")[2]),
        "hs256-public-key": lambda f: f.hmac_with_public_key(),
        "rs256-header": lambda f: f.unsigned({"alg": "RS256", kid: real_kid(f)}, "AAAA"),
        "es384-p384-key": lambda f: _es384(f),
        "attacker-key-real-kid": lambda f: f.attacker({"alg": "ES256", kid: real_kid(f)}),
        "attacker-key-unknown-kid": lambda f: f.attacker({"alg": "ES256", kid: "attacker-1"}),
        "attacker-key-no-kid": lambda f: f.attacker({"alg": "ES256"}),
        "kid-path-traversal": lambda f: f.attacker({"alg": "ES256", kid: "../../../etc/passwd"}),
        "kid-of-google-accounts": lambda f: f.attacker(
            {"alg": "ES256", kid: f.google.accounts.kid}
        ),
        "embedded-jwk": lambda f: f.attacker(
            {"alg": "ES256", kid: real_kid(f), "jwk": f.attacker_jwk()}
        ),
        "embedded-jwk-no-kid": lambda f: f.attacker({"alg": "ES256", "jwk": f.attacker_jwk()}),
        "jku-attacker": lambda f: f.attacker(
            {"alg": "ES256", kid: "a1", "jku": "https://attacker.example/jwks.json"}
        ),
        "x5u-attacker": lambda f: f.attacker(
            {"alg": "ES256", kid: "a1", "x5u": "https://attacker.example/cert.pem"}
        ),
        "signature-bit-flipped": lambda f: f.flip_signature(f.iap()),
        "signature-truncated": lambda f: f.iap()[:-10],
        "signature-stripped": lambda f: f.iap().rsplit(".", 1)[0] + ".",
        "expired": lambda f: f.iap(iat=int(time.time()) - 1200, exp=int(time.time()) - 600),
        "issued-in-the-future": lambda f: f.iap(
            iat=int(time.time()) + 600, exp=int(time.time()) + 1200
        ),
        "no-exp": lambda f: f.iap(exp=None),
        "no-iat": lambda f: f.iap(iat=None),
        "wrong-issuer": lambda f: f.iap(iss="https://accounts.google.com"),
        "issuer-lookalike": lambda f: f.iap(iss="https://cloud.google.com/iap/"),
        "no-issuer": lambda f: f.iap(iss=None),
        "audience-other-project": lambda f: f.iap(
            aud="/projects/999999999999/global/backendServices/1"
        ),
        # Another backend service of the same project (another IAP app): replayable by anyone
        # who got one, refused only when the audience is pinned (design item 5).
        "audience-other-backend-same-project": lambda f: f.iap(
            aud=f.audience.rsplit("/", 1)[0] + "/1111111111111111"
        ),
        "audience-app-engine": lambda f: f.iap(
            aud=f.audience.split("/global/")[0] + "/apps/my-project"
        ),
        "audience-list": lambda f: f.iap(aud=[f.audience.rsplit("/", 1)[0] + "/1", "x"]),
        "audience-prefix-only": lambda f: f.iap(aud=f.audience.rsplit("/", 1)[0] + "/"),
        "no-audience": lambda f: f.iap(aud=None),
        "email-not-a-string": lambda f: f.iap(email=[f.email]),
        "attacker-key-admin-uppercase": lambda f: f.attacker(
            {"alg": "ES256", kid: real_kid(f)}, f.claims(email=f.email.upper())
        ),
        "attacker-key-admin-homoglyph": lambda f: f.attacker(
            {"alg": "ES256", kid: real_kid(f)}, f.claims(email=f.email.replace("a", "\u0430", 1))
        ),
        "not-a-jwt": lambda f: "not-a-jwt",
        "two-parts": lambda f: ".".join(f.iap().split(".")[:2]),
        "four-parts": lambda f: f.iap() + ".AAAA",
        "header-not-json": lambda f: _b64(b"{not json") + "." + f.iap().split(".", 1)[1],
        "payload-not-an-object": lambda f: ".".join(
            [f.iap().split(".")[0], _b64(b"[1,2]"), f.iap().split(".")[2]]
        ),
        "bearer-prefixed": lambda f: "Bearer " + f.iap(),
        "empty": lambda f: "",
        "huge-64k": lambda f: f.attacker({"alg": "ES256", kid: "x" * 65536}),
    }


def _es384(f: Forger) -> str:
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    header = {"alg": "ES384", "kid": f.google.iap.kid}
    signing_input = f"{_part(header)}.{_part(f.claims())}"
    der = f.p384_key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA384()))
    r, s = decode_dss_signature(der)
    return f"{signing_input}.{_b64(r.to_bytes(48, 'big') + s.to_bytes(48, 'big'))}"


FORGED = _kinds()

# IAP-signed, but naming someone who only looks like the admin (a different Google account):
# MLflow sees that account, never the admin.
LOOKALIKES: dict[str, Callable[[Forger], str]] = {
    "lookalike-trailing-space": lambda f: f.iap(email=f.email + " "),
    "lookalike-trailing-dot": lambda f: f.iap(email=f.email + "."),
    "lookalike-zero-width-space": lambda f: f.iap(email=f.email.replace("@", "\u200b@")),
    "lookalike-cyrillic-a": lambda f: f.iap(email=f.email.replace("a", "\u0430", 1)),
    "lookalike-subdomain": lambda f: f.iap(email=f.email + ".evil.example"),
    "lookalike-plus-tag": lambda f: f.iap(email=f.email.replace("@", "+x@")),
    "lookalike-accounts-prefix": lambda f: f.iap(email="accounts.google.com:" + f.email),
    "lookalike-comma-list": lambda f: f.iap(email=f"bob@example.com,{f.email}"),
    # IAP always names an email; without one the verifier may fall back to `sub`: not an admin.
    "no-email": lambda f: f.iap(email=None),
}


def make(forger: Forger, kind: str) -> str:
    table = FORGED if kind in FORGED else LOOKALIKES
    return table[kind](forger)
