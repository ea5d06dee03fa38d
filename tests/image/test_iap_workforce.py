"""Workforce identity federation (Entra ID, Okta) users through IAP: what the verifier takes as
the user from a workforce-shaped assertion, the email IAP carries when the pool's provider maps
google.email (which Google's guide asks for: "To map email addresses from third-party IdP to
Google Cloud, you must add an attribute mapping for google.email",
https://cloud.google.com/iap/docs/use-workforce-identity-federation), else the principal.

The claims' shape is what a workforce principal looks like in IAM
(principal://iam.googleapis.com/locations/global/workforcePools/POOL/subject/SUBJECT); the real
claims IAP puts there need a real organization
(docs/development.md#what-is-verified-here-and-what-needs-a-real-project)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from mlflow_iap_auth.assertion import KeySet, Refused, Verifier
from mlflow_iap_auth.audience import Audience
from mlflow_iap_auth.config import IapConfig

from tests.support.google_standin import IAP_ISSUER, GoogleStandIn, google_standin

NUMBER = "123456789012"
AUDIENCE = f"/projects/{NUMBER}/global/backendServices/4242"
POOL = "locations/global/workforcePools/acme-entra"
SUBJECT = f"principal://iam.googleapis.com/{POOL}/subject/9fC2-Entra-ObjectId"
ENV = {
    "IAP_PROJECT_NUMBER": NUMBER,
    "IAP_ADMINS": "ada.lovelace@acme.example",
    "IAP_PORT_FORWARD_USER": "kubectl-port-forward",
    "IAP_AUTH_DATABASE_URI": "postgresql+psycopg://u@127.0.0.1/mlflow_auth",
    "IAP_BACKEND_SERVICE_ID": "4242",
}


@pytest.fixture(scope="module")
def google() -> Iterator[GoogleStandIn]:
    with google_standin() as standin:
        yield standin


@pytest.fixture
def verifier(google: GoogleStandIn) -> Verifier:
    config = IapConfig.from_env({**ENV, "IAP_KEYS_URL": google.keys_url})
    return Verifier(
        config,
        KeySet(config.keys_url),
        Audience(f"/projects/{NUMBER}/global/backendServices/", service_id="4242"),
    )


def _workforce(google: GoogleStandIn, **claims: object) -> str:
    now = int(time.time())
    return google.iap.sign(
        {"iss": IAP_ISSUER, "aud": AUDIENCE, "sub": SUBJECT, "iat": now, "exp": now + 600, **claims}
    )


def test_a_workforce_user_with_a_mapped_email_is_that_email(
    google: GoogleStandIn, verifier: Verifier
) -> None:
    identity = verifier.verify(_workforce(google, email="Ada.Lovelace@Acme.example"))
    # The email, lowercased: what auth.admins lists
    # (docs/access.md#active-directory--entra-id-users-workforce-identity-federation).
    assert identity.principal == "ada.lovelace@acme.example"


def test_without_an_email_mapping_the_user_is_the_principal_as_signed(
    google: GoogleStandIn, verifier: Verifier
) -> None:
    identity = verifier.verify(_workforce(google))
    assert identity.principal == SUBJECT  # case kept: a principal is not an email


def test_a_workforce_assertion_for_another_backend_service_is_refused(
    google: GoogleStandIn, verifier: Verifier
) -> None:
    other = AUDIENCE.replace("4242", "4343")
    with pytest.raises(Refused, match="is not this backend service"):
        verifier.verify(_workforce(google, email="ada@acme.example", aud=other))


def test_a_workforce_assertion_naming_nobody_is_refused(
    google: GoogleStandIn, verifier: Verifier
) -> None:
    with pytest.raises(Refused, match="neither email nor sub names the user"):
        verifier.verify(_workforce(google, sub=""))
