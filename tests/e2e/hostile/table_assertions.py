"""Forged and replayed assertions, from every peer.

Straight at the pod, every forged kind is refused with 403 and IAP's reason, whoever sends it
(an assertion is verified before the peer counts). An IAP-signed lookalike of the admin's
email is another account: admitted as that account, never as the admin. Through the ingress,
the stand-in overwrites the client's x-goog-iap-jwt-assertion with its own: Bob stays Bob.
"""

from __future__ import annotations

from tests.e2e.hostile.case import DIRECT, INGRESS, NOT_ADMIN, Case, answered_as, refused
from tests.e2e.hostile.forged import FORGED, LOOKALIKES

CLS = "assertion"
TARGET = "/api/2.0/mlflow/users/current"
# A 64 KiB header may be refused by the HTTP parser (431/400) before the plugin (403).
OVERSIZED = {"huge-64k"}


def cases() -> list[Case]:
    out: list[Case] = []
    for peer in DIRECT:
        for kind in FORGED:
            expect = refused(400, 403, 431) if kind in OVERSIZED else refused(403)
            out.append(Case(CLS, peer, kind, "GET", TARGET, expect, who=None, forged=kind))
        for kind in LOOKALIKES:
            out.append(Case(CLS, peer, kind, "GET", TARGET, NOT_ADMIN, who=None, forged=kind))
    # Through the ingress: a sample; the stand-in replaces any client-sent assertion.
    for kind in ("alg-none", "hs256-public-key", "attacker-key-real-kid", "embedded-jwk",
                 "jku-attacker", "expired", "audience-other-backend-same-project",
                 "lookalike-cyrillic-a"):  # fmt: skip
        out.append(Case(CLS, INGRESS, kind, "GET", TARGET, answered_as("bob"), forged=kind))
    return out


CASES = cases()
