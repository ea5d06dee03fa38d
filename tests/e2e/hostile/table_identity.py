"""Identity headers: no spelling of a header lets a client choose or add to an identity.

Design item 1: header names are normalized (lowercase, `_` -> `-`) before anything; one that
normalizes to the plugin's internal principal header (any spelling, the exact one too) or is
a non-canonical spelling of an IAP header is refused with 400. Canonical IAP identity headers
(x-goog-authenticated-user-*) are ignored: only the verified assertion names the user.

Through the ingress stand-in nginx drops names with underscores (ignore_invalid_headers) and
overwrites the IAP and principal headers, so the server sees Bob and nothing else.
"""

from __future__ import annotations

from tests.e2e.hostile.case import DIRECT, INGRESS, Case, answered_as, refused

CLS = "identity"
TARGET = "/api/2.0/mlflow/users/current"
REFUSED = refused(400)

# (name, header lines) that must be refused straight at the pod.
SPELLED_PRINCIPAL: list[tuple[str, tuple[tuple[str, str] | str, ...]]] = [
    ("principal-exact", (("x-mlflow-iap-principal", "$admin"),)),
    ("principal-upper", (("X-MLFLOW-IAP-PRINCIPAL", "$admin"),)),
    ("principal-title", (("X-Mlflow-Iap-Principal", "$admin"),)),
    ("principal-underscores", (("x_mlflow_iap_principal", "$admin"),)),
    ("principal-underscores-upper", (("X_MLFLOW_IAP_PRINCIPAL", "$admin"),)),
    ("principal-mixed-separators", (("x-mlflow_iap-principal", "$admin"),)),
    ("principal-mixed-separators-2", (("x_mlflow-iap_principal", "$admin"),)),
    ("principal-empty-value", (("x_mlflow_iap_principal", ""),)),
    ("principal-comma-list", (("x_mlflow_iap_principal", "$bob, $admin"),)),
    ("principal-duplicated", (("x-mlflow-iap-principal", "$admin"),) * 2),
    (
        "principal-both-spellings",
        (("x-mlflow-iap-principal", "$admin"), ("x_mlflow_iap_principal", "$admin")),
    ),
    ("principal-folded", ("x_mlflow_iap_principal: evil", " $admin")),
    ("principal-folded-tab", ("x-mlflow-iap-principal: evil", "\t$admin")),
    (
        "user-email-underscores",
        (("x_goog_authenticated_user_email", "accounts.google.com:$admin"),),
    ),
    ("user-id-underscores", (("x_goog_authenticated_user_id", "accounts.google.com:1"),)),
    ("assertion-underscores", (("x_goog_iap_jwt_assertion", "$admin_assertion"),)),
    ("assertion-underscores-upper", (("X_GOOG_IAP_JWT_ASSERTION", "$admin_assertion"),)),
    ("assertion-mixed-separators", (("x-goog_iap-jwt_assertion", "$admin_assertion"),)),
]

# Headers the server ignores: the answer is the caller's own identity.
IGNORED: list[tuple[str, tuple[tuple[str, str] | str, ...]]] = [
    ("user-email-canonical", (("x-goog-authenticated-user-email", "accounts.google.com:$admin"),)),
    ("user-email-title-case", (("X-Goog-Authenticated-User-Email", "accounts.google.com:$admin"),)),
    ("user-id-canonical", (("x-goog-authenticated-user-id", "accounts.google.com:1"),)),
    ("x-forwarded-user", (("X-Forwarded-User", "$admin"),)),
    ("x-forwarded-email", (("X-Forwarded-Email", "$admin"),)),
    ("remote-user", (("Remote-User", "$admin"),)),
    ("x-remote-user", (("X-Remote-User", "$admin"),)),
    ("basic-auth-as-admin", (("Authorization", "Basic $admin_basic"),)),
]

# Two assertions: refused whoever sends them (one is the admin's, valid).
TWO_ASSERTIONS = (("x-goog-iap-jwt-assertion", "$admin_assertion"),)


def _own(peer: str) -> str:
    """Whom the peer's request is from when nothing forged counts."""
    return "port_forward" if peer == "loopback" else "bob"


def _who(peer: str) -> str | None:
    # Port-forward's own identity from loopback; Bob's credential from everywhere else.
    return None if peer == "loopback" else "bob"


def cases() -> list[Case]:
    out: list[Case] = []
    for peer in DIRECT:
        for name, headers in SPELLED_PRINCIPAL:
            out.append(
                Case(CLS, peer, name, "GET", TARGET, REFUSED, who=_who(peer), headers=headers)
            )
        for name, headers in IGNORED:
            out.append(
                Case(
                    CLS,
                    peer,
                    name,
                    "GET",
                    TARGET,
                    answered_as(_own(peer)),
                    who=_who(peer),
                    headers=headers,
                )
            )
        # Bob's valid assertion and the admin's: more than one is refused (403 today; 400 when
        # the header check refuses it first).
        out.append(
            Case(CLS, peer, "second-assertion-admin", "GET", TARGET, refused(400, 403),
                 headers=TWO_ASSERTIONS)
        )  # fmt: skip
    for name, headers in SPELLED_PRINCIPAL + IGNORED:
        # nginx refuses folded lines and a second Authorization (Bob's bearer token is one).
        nginx_refuses = "folded" in name or name == "basic-auth-as-admin"
        expect = refused(400) if nginx_refuses else answered_as("bob")
        out.append(Case(CLS, INGRESS, name, "GET", TARGET, expect, headers=headers))
    out.append(
        Case(
            CLS,
            INGRESS,
            "second-assertion-admin",
            "GET",
            TARGET,
            answered_as("bob"),
            headers=TWO_ASSERTIONS,
        )
    )
    return out


CASES = cases()
