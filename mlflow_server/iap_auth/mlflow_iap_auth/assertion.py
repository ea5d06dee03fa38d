"""Verify IAP's `x-goog-iap-jwt-assertion` as Google's guide "Securing your app with signed
headers" asks (https://cloud.google.com/iap/docs/signed-headers-howto):

* header: `alg` is ES256 and `kid` names a key of Google's published IAP key set;
* signature: by that key (google-auth's ES256 verifier, cryptography underneath);
* `exp` in the future and `iat` in the past, 30 s of clock skew allowed either way;
* `iss` is exactly https://cloud.google.com/iap;
* `aud` is /projects/PROJECT_NUMBER/global/backendServices/SERVICE_ID, exactly the pinned
  audience (audience.py: auth.backend_service_id, or the id looked up); another backend
  service is refused (403). Until an id is pinned, an otherwise valid assertion of this
  project is answered 503 (AudienceUnknown), never accepted: see audience.py.

The identity is the `email` claim (lowercased), or else `sub`: for workforce identity
federation (Active Directory / Entra ID) users that is their principal.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import urllib.request
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mlflow_iap_auth.audience import Audience, AudienceUnknown
from mlflow_iap_auth.config import ISSUER, IapConfig

_log = logging.getLogger(__name__)
_SERVICE_ID = re.compile(r"[1-9][0-9]{0,19}")
KEYS_TTL_SECONDS = 3600.0
# An unknown kid refetches the key set (Google rotates it), at most this often.
KEYS_REFETCH_SECONDS = 30.0


class Refused(Exception):
    """The assertion is not valid; the message says which rule it broke."""


class KeysUnavailable(Exception):
    """Google's key set could not be fetched: no assertion can be verified now."""


def fetch_json(url: str, timeout: float = 5.0) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - https or loopback
        return json.loads(resp.read())


class KeySet:
    """Google's IAP public keys by kid, cached for an hour and refetched on an unknown kid."""

    def __init__(self, url: str, fetch: Callable[[str], Any] = fetch_json) -> None:
        self._url, self._fetch = url, fetch
        self._keys: dict[str, str] = {}
        self._fetched_at = float("-inf")
        self._lock = threading.Lock()

    def _refresh(self) -> None:
        try:
            keys = self._fetch(self._url)
        except Exception as exc:
            raise KeysUnavailable(f"IAP key set {self._url}: {exc}") from None
        if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
            raise KeysUnavailable(f"IAP key set {self._url}: not a JSON object of PEM keys")
        self._keys, self._fetched_at = dict(keys), time.monotonic()

    def get(self, kid: str) -> str | None:
        with self._lock:
            age = time.monotonic() - self._fetched_at
            if age > KEYS_TTL_SECONDS or (kid not in self._keys and age > KEYS_REFETCH_SECONDS):
                try:
                    self._refresh()
                except KeysUnavailable:
                    if not self._keys:
                        raise
                    _log.warning("keeping the cached IAP key set", exc_info=True)
            return self._keys.get(kid)


@dataclass(frozen=True)
class Identity:
    principal: str
    expires: float  # the assertion's exp (epoch seconds)
    audience: str  # the pinned audience it was verified against


class Verifier:
    """Assertion -> Identity, or Refused. Verified assertions are cached until they expire."""

    def __init__(
        self,
        config: IapConfig,
        keys: KeySet,
        audience: Audience,
        clock: Callable[[], float] = time.time,
    ):
        self.config, self.keys, self.audience, self.clock = config, keys, audience, clock
        self._cache: OrderedDict[str, Identity] = OrderedDict()
        self._lock = threading.Lock()

    def is_cached(self, token: str) -> bool:
        with self._lock:
            return token in self._cache

    def verify(self, token: str) -> Identity:
        now = self.clock()
        with self._lock:
            hit = self._cache.get(token)
        if (
            hit is not None
            and hit.expires + self.config.clock_skew_seconds > now
            and hit.audience == self.audience.current  # a re-pinned id voids earlier checks
        ):
            return hit
        identity = self._verify(token, now)
        with self._lock:
            self._cache[token] = identity
            while len(self._cache) > 2048:
                self._cache.popitem(last=False)
        return identity

    def _verify(self, token: str, now: float) -> Identity:
        from google.auth import exceptions, jwt

        try:
            header = jwt.decode_header(token)
        except Exception:
            raise Refused("not a JWT") from None
        if header.get("alg") != "ES256":
            raise Refused(f"alg {header.get('alg')!r} is not ES256")
        kid = header.get("kid")
        key = self.keys.get(str(kid)) if kid else None
        if key is None:
            raise Refused(f"kid {kid!r} is not in Google's IAP key set")
        skew = self.config.clock_skew_seconds
        try:
            claims: Mapping[str, Any] = jwt.decode(
                token, certs={str(kid): key}, verify=True, clock_skew_in_seconds=skew
            )
        except exceptions.GoogleAuthError as exc:
            raise Refused(_reason(str(exc))) from None
        except ValueError as exc:
            raise Refused(_reason(str(exc))) from None
        if claims.get("iss") != ISSUER:
            raise Refused(f"issuer {claims.get('iss')!r} is not {ISSUER}")
        exp, iat = claims.get("exp"), claims.get("iat")
        if not isinstance(exp, int | float) or not isinstance(iat, int | float):
            raise Refused("exp or iat missing")
        if exp <= now - skew:
            raise Refused("expired")
        principal = claims.get("email") or claims.get("sub")
        if not isinstance(principal, str) or not principal:
            raise Refused("neither email nor sub names the user")
        if "@" in principal and not principal.startswith("principal://"):
            principal = principal.lower()
        # Last: only an assertion valid in every other way can wait for the audience (503).
        audience = self._check_audience(claims.get("aud"))
        return Identity(principal=principal, expires=float(exp), audience=audience)

    def _check_audience(self, aud: Any) -> str:
        prefix = self.config.audience_prefix
        if not (
            isinstance(aud, str)
            and aud.startswith(prefix)
            and _SERVICE_ID.fullmatch(aud[len(prefix) :])
        ):
            raise Refused(f"audience {aud!r} is not a backend service of {prefix}")
        wanted = self.audience.current
        if wanted is None:
            self.audience.nudge()
            raise AudienceUnknown(
                "IAP audience not yet known: this server's backend service id is not pinned "
                "(looked up from the Ingress, or auth.backend_service_id)"
            )
        if aud != wanted:
            # The Ingress may have been recreated with a new id: look again soon.
            self.audience.nudge()
            raise Refused(f"audience {aud!r} is not this backend service ({wanted})")
        return wanted


def _reason(message: str) -> str:
    text = message.lower()
    if "signature" in text:
        return "signature does not verify"
    if "expired" in text:
        return "expired"
    if "early" in text or "iat" in text:
        return "issued in the future"
    return message.splitlines()[0][:200]
