"""IAP end to end: the ingress stand-in in front of the server as dist/ starts it.

* The stand-in refuses whom IAP refuses; it lets members in with a signed assertion.
* The server refuses every request from the load balancer's side whose assertion is missing or
  does not verify (bad signature, wrong issuer, expired, another project's audience, ...), and
  no client header can pick an identity.
* Health checks, port-forward and in-cluster callers keep working without an assertion.
* Two identities are told apart by MLflow: one cannot edit the other's experiment, and runs
  are attributed to the verified user whatever the client claims.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from tests.e2e.conftest import CLIENT_AUDIENCE, Cluster
from tests.e2e.ingress import LB_ADDRESS, IngressStandIn
from tests.e2e.web import Reply, through_ingress, to_pod
from tests.support.google_standin import GoogleStandIn

pytestmark = pytest.mark.e2e

API = "/api/2.0/mlflow"
ALICE, BOB = "alice@example.com", "bob@example.com"


def token(google: GoogleStandIn, email: str, **kwargs: Any) -> str:
    return google.accounts.id_token(email=email, audience=CLIENT_AUDIENCE, **kwargs)


def as_user(
    ingress: IngressStandIn, google: GoogleStandIn, email: str, method: str, path: str, **kw: Any
) -> Reply:
    return through_ingress(ingress, method, path, token=token(google, email), **kw)


def audience(cluster: Cluster) -> str:
    return cluster.audience


def from_lb(cluster: Cluster, path: str, headers: dict[str, str] | None = None) -> Reply:
    return to_pod(
        cluster.container_port,
        "GET",
        path,
        source=LB_ADDRESS,
        host=cluster.settings.ingress.host,
        headers=headers,
    )


# --- the stand-in refuses as IAP does ---------------------------------------------------------


def test_no_credentials_go_to_sign_in(ingress: IngressStandIn) -> None:
    reply = through_ingress(ingress, "GET", f"{API}/experiments/search?max_results=1")
    assert reply.status == 302
    assert reply.headers["Location"].endswith("/_gcp_iap/signin")


def test_invalid_and_expired_tokens_get_401(ingress: IngressStandIn, google: GoogleStandIn) -> None:
    path = f"{API}/experiments/search?max_results=1"
    garbage = "not-a-token"  # pragma: allowlist secret
    assert through_ingress(ingress, "GET", path, token=garbage).status == 401
    expired = token(google, ALICE, lifetime=-120)
    assert through_ingress(ingress, "GET", path, token=expired).status == 401
    other = google.accounts.id_token(email=ALICE, audience="another-client-id")
    assert through_ingress(ingress, "GET", path, token=other).status == 401


def test_non_member_gets_403(ingress: IngressStandIn, google: GoogleStandIn) -> None:
    reply = as_user(ingress, google, "mallory@example.net", "GET", f"{API}/experiments/search")
    assert (reply.status, reply.body) == (403, "You don't have access")


def test_browser_session_signs_in(ingress: IngressStandIn) -> None:
    signed_in = f"GCP_IAP_STANDIN={ingress.iap.session(ALICE)}"
    reply = through_ingress(ingress, "GET", f"{API}/users/current", cookie=signed_in)
    assert reply.status == 200, reply.body
    assert reply.json()["user"]["username"] == ALICE
    forged = f"GCP_IAP_STANDIN={ingress.iap.session(ALICE).rsplit('.', 1)[0]}.00"
    assert through_ingress(ingress, "GET", f"{API}/users/current", cookie=forged).status == 302


def test_the_ui_posts_from_the_ingress_origin(ingress: IngressStandIn, google: GoogleStandIn):
    path = "/ajax-api/2.0/mlflow/experiments/search"
    host = ingress.host
    ok = as_user(
        ingress, google, ALICE, "POST", path, body={"max_results": 5}, origin=f"https://{host}"
    )
    assert ok.status == 200, ok.body
    foreign = as_user(
        ingress, google, ALICE, "POST", path, body={"max_results": 5}, origin="https://evil.example"
    )
    refused = "IAP: the origin 'https://evil.example' is not one of this server's origins"
    assert (foreign.status, foreign.body) == (403, refused)


# --- the server verifies the signed header ----------------------------------------------------


def test_health_check_passes_without_assertion(cluster: Cluster) -> None:
    """Google's health checkers probe the BackendConfig's path from the LB ranges, unsigned."""
    backend = cluster.manifests.one("BackendConfig")
    path = backend["spec"]["healthCheck"]["requestPath"]
    reply = from_lb(cluster, path)
    assert (reply.status, reply.body) == (200, "OK")


def test_unsigned_request_from_the_load_balancer_is_refused(cluster: Cluster) -> None:
    reply = from_lb(cluster, f"{API}/experiments/search?max_results=1")
    assert reply.status == 403
    assert reply.body.startswith("IAP: x-goog-iap-jwt-assertion missing"), reply.body


def _claims(cluster: Cluster, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": "https://cloud.google.com/iap",
        "aud": audience(cluster),
        "sub": "accounts.google.com:1001",
        "email": ALICE,
        "iat": now,
        "exp": now + 600,
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def test_a_valid_assertion_from_the_load_balancer_is_admitted(
    cluster: Cluster, google: GoogleStandIn
) -> None:
    jwt = google.iap.sign(_claims(cluster))
    reply = from_lb(cluster, f"{API}/users/current", {"x-goog-iap-jwt-assertion": jwt})
    assert reply.status == 200, reply.body
    assert reply.json()["user"]["username"] == ALICE


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("bad signature", "signature does not verify"),
        ("unknown kid", "is not in Google's IAP key set"),
        ("wrong issuer", "issuer 'https://accounts.google.com' is not"),
        ("expired", "expired"),
        ("issued in the future", "issued in the future"),
        ("another project", "is not a backend service of /projects/"),
        ("an app engine audience", "is not a backend service of /projects/"),
        ("not a jwt", "not a JWT"),
        ("unsigned alg none", "is not ES256"),
    ],
)
def test_an_assertion_that_does_not_verify_is_refused(
    cluster: Cluster, google: GoogleStandIn, case: str, reason: str
) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    now = int(time.time())
    number = cluster.settings.iap_project_number
    if case == "bad signature":
        jwt = google.iap.sign(_claims(cluster), key=ec.generate_private_key(ec.SECP256R1()))
    elif case == "unknown kid":
        jwt = google.iap.sign(_claims(cluster), kid="rotated-away")
    elif case == "wrong issuer":
        jwt = google.iap.sign(_claims(cluster, iss="https://accounts.google.com"))
    elif case == "expired":
        jwt = google.iap.sign(_claims(cluster, iat=now - 1200, exp=now - 600))
    elif case == "issued in the future":
        jwt = google.iap.sign(_claims(cluster, iat=now + 600, exp=now + 1200))
    elif case == "another project":
        jwt = google.iap.sign(
            _claims(cluster, aud="/projects/999999999999/global/backendServices/1")
        )
    elif case == "an app engine audience":
        jwt = google.iap.sign(_claims(cluster, aud=f"/projects/{number}/apps/my-mlflow-project"))
    elif case == "not a jwt":
        jwt = "garbage"
    else:
        import base64
        import json

        def part(d: dict[str, Any]) -> str:
            return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()

        jwt = f"{part({'alg': 'none', 'kid': google.iap.kid})}.{part(_claims(cluster))}."
    reply = from_lb(cluster, f"{API}/experiments/search", {"x-goog-iap-jwt-assertion": jwt})
    assert reply.status == 403, reply.body
    assert reply.body.startswith("IAP: "), reply.body
    assert reason in reply.body, reply.body


def test_no_client_header_picks_an_identity(cluster: Cluster) -> None:
    """The identity header the middleware hands to MLflow is refused in every request (any
    spelling: tests/e2e/test_request_guard.py); IAP's email header chooses nothing."""
    admin = cluster.admin
    forged = {"x-mlflow-iap-principal": admin, "x-goog-authenticated-user-email": admin}
    reply = from_lb(cluster, f"{API}/users/current", forged)
    assert reply.status == 400, reply.body
    assert "identity header" in reply.body
    reply = to_pod(
        cluster.container_port,
        "GET",
        f"{API}/users/current",
        source="127.0.0.1",
        host=cluster.host_header,
        headers=forged,
    )
    assert reply.status == 400, reply.body
    email_only = {"x-goog-authenticated-user-email": admin}
    reply = to_pod(
        cluster.container_port,
        "GET",
        f"{API}/users/current",
        source="127.0.0.1",
        host=cluster.host_header,
        headers=email_only,
    )
    assert reply.status == 200, reply.body
    assert reply.json()["user"]["username"] == cluster.settings.auth.port_forward_user


# --- identities inside MLflow -----------------------------------------------------------------


@pytest.fixture(scope="module")
def alices_experiment(ingress: IngressStandIn, google: GoogleStandIn) -> str:
    name = f"alice-{uuid.uuid4().hex[:8]}"
    reply = as_user(
        ingress, google, ALICE, "POST", f"{API}/experiments/create", body={"name": name}
    )
    assert reply.status == 200, reply.body
    return str(reply.json()["experiment_id"])


def test_the_creator_manages_the_experiment(
    ingress: IngressStandIn, google: GoogleStandIn, alices_experiment: str
) -> None:
    reply = as_user(ingress, google, ALICE, "GET", "/api/3.0/mlflow/users/current/permissions")
    assert reply.status == 200, reply.body
    grants = {
        (p["resource_type"], p["resource_pattern"]): p["permission"]
        for p in reply.json()["permissions"]
    }
    assert grants.get(("experiment", alices_experiment)) == "MANAGE", grants


def test_another_user_cannot_edit_it(
    ingress: IngressStandIn, google: GoogleStandIn, alices_experiment: str
) -> None:
    rename = {"experiment_id": alices_experiment, "new_name": f"bob-was-here-{uuid.uuid4().hex}"}
    reply = as_user(ingress, google, BOB, "POST", f"{API}/experiments/update", body=rename)
    assert (reply.status, reply.body) == (403, "Permission denied")
    run = {"experiment_id": alices_experiment, "start_time": int(time.time() * 1000)}
    reply = as_user(ingress, google, BOB, "POST", f"{API}/runs/create", body=run)
    assert (reply.status, reply.body) == (403, "Permission denied")
    # default_permission READ: Bob may look.
    reply = as_user(
        ingress, google, BOB, "GET", f"{API}/experiments/get?experiment_id={alices_experiment}"
    )
    assert reply.status == 200, reply.body


def test_the_admin_may_and_the_creator_may(
    cluster: Cluster, ingress: IngressStandIn, google: GoogleStandIn, alices_experiment: str
) -> None:
    for user in (cluster.admin, ALICE):
        rename = {"experiment_id": alices_experiment, "new_name": f"renamed-{uuid.uuid4().hex}"}
        reply = as_user(ingress, google, user, "POST", f"{API}/experiments/update", body=rename)
        assert reply.status == 200, (user, reply.body)
    reply = as_user(ingress, google, cluster.admin, "GET", f"{API}/users/current")
    assert reply.json()["user"]["is_admin"] is True
    reply = as_user(ingress, google, ALICE, "GET", f"{API}/users/current")
    assert reply.json()["user"]["is_admin"] is False


def test_the_run_shows_who_made_it(
    ingress: IngressStandIn, google: GoogleStandIn, alices_experiment: str
) -> None:
    """The client claims another user (MLflow's client sends the OS login); the server records
    the verified one."""
    run = {
        "experiment_id": alices_experiment,
        "start_time": int(time.time() * 1000),
        "user_id": "root",
        "tags": [{"key": "mlflow.user", "value": BOB}, {"key": "team", "value": "a"}],
    }
    reply = as_user(ingress, google, ALICE, "POST", f"{API}/runs/create", body=run)
    assert reply.status == 200, reply.body
    run_id = reply.json()["run"]["info"]["run_id"]
    got = as_user(ingress, google, BOB, "GET", f"{API}/runs/get?run_id={run_id}").json()["run"]
    assert got["info"]["user_id"] == ALICE
    tags = {t["key"]: t["value"] for t in got["data"]["tags"]}
    assert tags["mlflow.user"] == ALICE
    assert tags["team"] == "a"


def test_users_have_no_password(cluster: Cluster, ingress: IngressStandIn, google: GoogleStandIn):
    """Each IAP user exists in MLflow's store with a random password hash that nobody knows:
    no password is configured, shared or shown anywhere."""
    as_user(ingress, google, BOB, "GET", f"{API}/users/current")
    rows = cluster.pg.query(
        cluster.settings.names.auth_database, "SELECT username, password_hash FROM users"
    )
    users = dict(rows)
    assert {ALICE, BOB, cluster.admin} <= set(users)
    assert len(set(users.values())) == len(users)  # random, never a shared default


def test_artifact_uploads_are_permission_checked(
    ingress: IngressStandIn, google: GoogleStandIn, alices_experiment: str
) -> None:
    """Artifact transfers are FastAPI's own routes (MLflow's permission middleware there, not
    Flask's hook): Bob may not write into Alice's run, Alice may, and Bob may read it."""
    run = {"experiment_id": alices_experiment, "start_time": int(time.time() * 1000)}
    reply = as_user(ingress, google, ALICE, "POST", f"{API}/runs/create", body=run)
    run_id = reply.json()["run"]["info"]["run_id"]
    path = f"/api/2.0/mlflow-artifacts/artifacts/{alices_experiment}/{run_id}/artifacts/notes.txt"
    assert as_user(ingress, google, BOB, "PUT", path, body="bob's").status == 403
    assert as_user(ingress, google, ALICE, "PUT", path, body="alice's").status == 200
    reply = as_user(ingress, google, BOB, "GET", path)
    assert (reply.status, reply.body) == (200, '"alice\'s"')


def test_an_owner_cannot_put_another_name_on_her_run(
    ingress: IngressStandIn, google: GoogleStandIn, alices_experiment: str
) -> None:
    """mlflow.user stays the verified creator (mlflow_iap_auth/usertag.py), through IAP."""
    run = {"experiment_id": alices_experiment, "start_time": int(time.time() * 1000)}
    reply = as_user(ingress, google, ALICE, "POST", f"{API}/runs/create", body=run)
    run_id = reply.json()["run"]["info"]["run_id"]
    other = {"run_id": run_id, "key": "mlflow.user", "value": BOB}
    reply = as_user(ingress, google, ALICE, "POST", f"{API}/runs/set-tag", body=other)
    assert reply.status == 403, reply.body
    assert reply.json()["error_code"] == "PERMISSION_DENIED"
    batch = {"run_id": run_id, "tags": [{"key": "mlflow.user", "value": BOB}]}
    reply = as_user(ingress, google, ALICE, "POST", f"{API}/runs/log-batch", body=batch)
    assert reply.status == 403, reply.body
    got = as_user(ingress, google, BOB, "GET", f"{API}/runs/get?run_id={run_id}").json()["run"]
    assert {t["key"]: t["value"] for t in got["data"]["tags"]}["mlflow.user"] == ALICE
