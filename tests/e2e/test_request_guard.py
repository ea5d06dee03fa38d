"""The request guard end to end: the server as dist/ starts it refuses the spellings that got
through before (issue 16), from port-forward's loopback, from the load balancer's address and
through the ingress stand-in; the caller class is the socket's peer, whatever the headers say.

The exhaustive spellings are unit tests (tests/image/test_iap_guard.py); here, one of each
class against the real uvicorn, MLflow and ingress stand-in, so that nothing between the
socket and the plugin (uvicorn's header parsing, nginx) changes the outcome.
"""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import CLIENT_AUDIENCE, Cluster
from tests.e2e.ingress import LB_ADDRESS, IngressStandIn
from tests.e2e.web import Reply, through_ingress, to_pod
from tests.support.google_standin import GoogleStandIn

pytestmark = pytest.mark.e2e

API = "/api/2.0/mlflow"
ALICE = "alice@example.com"
RUN = "0123456789abcdef" * 2  # a run id's shape
# The reported bypass: MLflow's permission check found no experiment in these and fell back to
# the default permission, while the store read experiment 1's file.
DOT_PATHS = [
    f"/api/2.0/mlflow-artifacts/artifacts/./1/{RUN}/artifacts/secret.txt",
    f"/api/2.0/mlflow-artifacts/artifacts/%2e/1/{RUN}/artifacts/secret.txt",
    f"/api/2.0/mlflow-artifacts/artifacts/.//1/{RUN}/artifacts/secret.txt",
    f"/ajax-api/2.0/mlflow-artifacts/artifacts/./1/{RUN}/artifacts/secret.txt",
]


def from_port_forward(cluster: Cluster, path: str, headers: dict[str, str] | None = None) -> Reply:
    port = cluster.service_port
    return to_pod(
        cluster.container_port,
        "GET",
        path,
        source="127.0.0.1",
        host=f"localhost:{port}",
        headers=headers,
    )


def assertion(cluster: Cluster, google: GoogleStandIn, email: str = ALICE) -> str:
    now = int(time.time())
    claims = {
        "iss": "https://cloud.google.com/iap",
        "aud": cluster.audience,
        "sub": "accounts.google.com:1001",
        "email": email,
        "iat": now,
        "exp": now + 600,
    }
    signed: str = google.iap.sign(claims)
    return signed


def from_lb(cluster: Cluster, path: str, headers: dict[str, str]) -> Reply:
    host = cluster.settings.ingress.host
    return to_pod(
        cluster.container_port, "GET", path, source=LB_ADDRESS, host=host, headers=headers
    )


def user_token(google: GoogleStandIn, email: str = ALICE) -> str:
    token: str = google.accounts.id_token(email=email, audience=CLIENT_AUDIENCE)
    return token


# --- header spellings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["x_mlflow_iap_principal", "X_MLFLOW_IAP_PRINCIPAL", "x-mlflow-iap-principal"]
)
def test_the_principal_header_in_any_spelling_is_refused_from_port_forward(
    cluster: Cluster, name: str
) -> None:
    reply = from_port_forward(cluster, f"{API}/users/current", {name: cluster.admin})
    assert reply.status == 400, reply.body
    assert reply.body.startswith(f"IAP: the header {name.lower()!r}"), reply.body


def test_the_underscore_principal_is_refused_beside_a_valid_assertion(
    cluster: Cluster, google: GoogleStandIn
) -> None:
    headers = {
        "x-goog-iap-jwt-assertion": assertion(cluster, google),
        "x_mlflow_iap_principal": "evil",
    }
    reply = from_lb(cluster, f"{API}/users/current", headers)
    assert reply.status == 400, reply.body
    assert "identity header" in reply.body


def test_a_misspelled_assertion_is_refused(cluster: Cluster, google: GoogleStandIn) -> None:
    headers = {"x_goog_iap_jwt_assertion": assertion(cluster, google)}
    reply = from_lb(cluster, f"{API}/users/current", headers)
    assert reply.status == 400, reply.body
    assert "misspelling of IAP's" in reply.body


def test_through_the_ingress_the_identity_is_the_verified_users_alone(
    ingress: IngressStandIn, google: GoogleStandIn
) -> None:
    """The stand-in (nginx) drops underscore headers itself, as its default does: the request
    arrives as alice's, and nothing was folded into her name."""
    reply = through_ingress(
        ingress,
        "GET",
        f"{API}/users/current",
        token=user_token(google),
        headers={"x_mlflow_iap_principal": "evil"},
    )
    assert reply.status == 200, reply.body
    assert reply.json()["user"]["username"] == ALICE


# --- paths --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", DOT_PATHS)
def test_dot_segment_artifact_paths_are_refused_from_port_forward(
    cluster: Cluster, path: str
) -> None:
    reply = from_port_forward(cluster, path)
    assert reply.status == 400, reply.body
    assert reply.body.startswith("IAP: the path has "), reply.body


@pytest.mark.parametrize("path", DOT_PATHS[:2])
def test_dot_segment_artifact_paths_are_refused_through_the_ingress(
    ingress: IngressStandIn, google: GoogleStandIn, path: str
) -> None:
    reply = through_ingress(ingress, "GET", path, token=user_token(google))
    assert reply.status == 400, reply.body
    assert reply.body.startswith("IAP: the path has "), reply.body


def test_an_artifact_path_naming_no_experiment_is_refused(
    cluster: Cluster, google: GoogleStandIn
) -> None:
    """MLflow's fallback (default permission) for a path naming no experiment is closed."""
    headers = {"x-goog-iap-jwt-assertion": assertion(cluster, google)}
    reply = from_lb(cluster, "/api/2.0/mlflow-artifacts/artifacts?path=", headers)
    assert reply.status == 403, reply.body
    assert "names no experiment" in reply.body


# --- the caller is the socket's peer ------------------------------------------------------------


@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded", "X-Real-IP"])
def test_forwarding_headers_do_not_change_the_caller(cluster: Cluster, header: str) -> None:
    """uvicorn runs with --no-proxy-headers: a port-forward caller stays the port-forward user
    whatever address it claims (a pod's, the load balancer's)."""
    claims = {
        "X-Forwarded-For": "10.16.0.5",
        "Forwarded": "for=10.16.0.5",
        "X-Real-IP": "10.16.0.5",
    }
    reply = from_port_forward(cluster, f"{API}/users/current", {header: claims[header]})
    assert reply.status == 200, reply.body
    assert reply.json()["user"]["username"] == cluster.settings.auth.port_forward_user


def test_a_claimed_loopback_address_does_not_make_the_load_balancer_port_forward(
    cluster: Cluster,
) -> None:
    reply = from_lb(cluster, f"{API}/users/current", {"X-Forwarded-For": "127.0.0.1"})
    assert reply.status == 403, reply.body
    assert reply.body.startswith("IAP: x-goog-iap-jwt-assertion missing"), reply.body


# --- Host and Origin ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    ["10.16.rebind.attacker.example:{port}", "rebind.attacker.example:{port}", "localhost:1"],
)
def test_a_rebinding_host_is_refused(cluster: Cluster, host: str) -> None:
    reply = to_pod(
        cluster.container_port,
        "GET",
        f"{API}/experiments/search?max_results=1",
        source="127.0.0.1",
        host=host.format(port=cluster.service_port),
    )
    assert reply.status == 403, reply.body
    assert "Invalid Host header" in reply.body


@pytest.mark.parametrize("origin", ["http://localhost:9999", "null", "https://evil.example.net"])
def test_a_foreign_origin_is_refused_even_on_a_get(cluster: Cluster, origin: str) -> None:
    reply = from_port_forward(
        cluster, f"{API}/experiments/search?max_results=1", {"Origin": origin}
    )
    assert reply.status == 403, reply.body
    assert reply.body == f"IAP: the origin {origin!r} is not one of this server's origins"
