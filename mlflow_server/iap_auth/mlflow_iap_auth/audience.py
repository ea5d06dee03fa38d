"""The one IAP audience this server accepts, and how it is pinned.

IAP's `aud` is /projects/PROJECT_NUMBER/global/backendServices/SERVICE_ID
(https://cloud.google.com/iap/docs/signed-headers-howto#verifying_the_jwt_payload). Accepting
any SERVICE_ID of the project would accept an assertion IAP issued for another app of the
project; so an assertion is accepted only when its `aud` is exactly the pinned audience:

* auth.backend_service_id set (IAP_BACKEND_SERVICE_ID): pinned to it for good, no lookup;
* otherwise a background thread looks the id up (backend_services.look_up: the backend service
  the Ingress made for this Service, with IAP on, exactly one) at once, then every
  RETRY_SECONDS until pinned and every RECHECK_SECONDS after (the Ingress can be recreated,
  with a new id). A lookup that fails (network, permission) changes nothing; one that finds
  no match or several unpins. An assertion naming another backend service of the project
  asks for an early re-check (at most every NUDGE_SECONDS), so a recreated Ingress is found
  within seconds; the re-check alone decides.

Until pinned, a request carrying an assertion is refused with 503 and Retry-After
(AudienceUnknown), never accepted against "any backend service of the project". Requests
without an assertion (the health path, port-forward, in-cluster callers) are not affected.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from mlflow_iap_auth.backend_services import LookupFailed, Outcome
from mlflow_iap_auth.config import IapConfig

_log = logging.getLogger(__name__)
RETRY_SECONDS = 30.0
RECHECK_SECONDS = 300.0
NUDGE_SECONDS = 15.0


class AudienceUnknown(Exception):
    """No backend service id is pinned yet: an assertion cannot be checked (503)."""

    retry_after = int(RETRY_SECONDS)


class Audience:
    """The pinned audience (or none yet), safe to read from any thread.

    Options:
      prefix: /projects/PROJECT_NUMBER/global/backendServices/. Required.
      service_id: a configured id, pinned for good (no lookup). Default: None.
      lookup: one lookup of the id (backend_services.look_up, bound). Default: None, which
        with no service_id pins nothing, ever.
    """

    def __init__(
        self,
        prefix: str,
        *,
        service_id: str | None = None,
        lookup: Callable[[], Outcome] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.prefix = prefix
        self.configured = service_id is not None
        self._lookup = None if self.configured else lookup
        self._id = service_id
        self._clock = clock
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._checked_at = float("-inf")
        self._said = ""
        self._thread: threading.Thread | None = None

    @property
    def current(self) -> str | None:
        """The full audience an assertion must name, or None until pinned."""
        service_id = self._id
        return None if service_id is None else self.prefix + service_id

    def check(self) -> None:
        """One lookup now; the state follows its outcome, a failed lookup changes nothing."""
        if self._lookup is None:
            return
        self._checked_at = self._clock()
        try:
            outcome = self._lookup()
        except LookupFailed as exc:
            self._say(logging.WARNING, f"IAP audience: lookup failed, kept as it was: {exc}")
            return
        except Exception:
            _log.exception("IAP audience: lookup failed, kept as it was")
            return
        with self._lock:
            before, self._id = self._id, outcome.service_id
        if outcome.service_id is not None:
            level = logging.INFO if before != outcome.service_id else logging.DEBUG
            self._say(level, f"IAP audience pinned to {self.current}: {outcome.message}")
        else:
            self._say(
                logging.WARNING,
                "IAP audience not pinned, requests with an IAP assertion get 503: "
                f"{outcome.message}. Set auth.backend_service_id to pin it by hand "
                "(gcloud compute backend-services list --global --format=json).",
            )

    def _say(self, level: int, message: str) -> None:
        # Once per change, not every RETRY_SECONDS.
        if message != self._said:
            self._said = message
            _log.log(level, "%s", message)

    def nudge(self) -> None:
        """Ask for an early re-check (an assertion named another backend service)."""
        if self._lookup is not None and self._clock() - self._checked_at >= NUDGE_SECONDS:
            self._wake.set()

    def start(self) -> None:
        """Look the id up in a daemon thread, at once and then periodically."""
        if self._lookup is None or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="iap-audience", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.check()
            self._wake.wait(RETRY_SECONDS if self._id is None else RECHECK_SECONDS)
            self._wake.clear()


def audience_for(config: IapConfig) -> Audience:
    """The configured id, pinned; or a lookup of the Ingress's backend service (not started)."""
    from mlflow_iap_auth import backend_services

    target = config.lookup
    if config.audience is not None or target is None:
        service_id = config.audience[len(config.audience_prefix) :] if config.audience else None
        return Audience(config.audience_prefix, service_id=service_id)
    get = backend_services.google_get()
    return Audience(
        config.audience_prefix,
        lookup=lambda: backend_services.look_up(get, config.compute_url, target),
    )
