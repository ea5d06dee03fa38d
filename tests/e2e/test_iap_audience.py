"""IAP's audience end to end: the server, started as dist/ says, looks its backend service up
with its own identity (the stand-in metadata server's token, the stand-in Compute API's
backendServices.list) and accepts only assertions for that backend service.

* Before the Ingress has built the backend service (a first deploy), an assertion from the load
  balancer is answered 503 with Retry-After, not accepted.
* Once pinned, an assertion IAP issued for another app of the same project is refused, from
  every peer.
* Two backend services claiming this Service (ambiguity) close it again; the health path and
  port-forward keep working meanwhile; it reopens when one is left.
"""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import ANOTHER_APP_ID, BACKEND_SERVICE_ID, Cluster
from tests.e2e.ingress import LB_ADDRESS
from tests.e2e.web import Reply, to_pod
from tests.support.google_standin import GoogleStandIn

pytestmark = pytest.mark.e2e

NOT_YET = "IAP: IAP audience not yet known"


def test_before_the_backend_service_exists_the_load_balancer_gets_503(cluster: Cluster) -> None:
    reply = cluster.before_pin
    assert reply is not None
    assert reply.status == 503, reply
    assert reply.body.startswith(NOT_YET), reply.body
    assert reply.headers.get("retry-after") == "30", reply.headers


def test_the_server_found_its_backend_service_with_its_own_token(
    cluster: Cluster, google: GoogleStandIn
) -> None:
    reply = cluster.from_lb_as_admin()
    assert reply.status == 200, reply
    assert reply.json()["user"]["username"] == cluster.admin
    # The list was asked with a token the metadata server issued (the stand-in checks it).
    assert google.compute.list_calls >= 1
    assert google.compute.tokens
    assert cluster.audience.endswith("/" + BACKEND_SERVICE_ID)


@pytest.mark.parametrize("source", [LB_ADDRESS, "127.0.0.1"], ids=["load-balancer", "loopback"])
def test_an_assertion_for_another_app_of_the_project_is_refused(
    cluster: Cluster, google: GoogleStandIn, source: str
) -> None:
    assertion = google.iap.assertion(
        email=cluster.admin, user_id="1", audience=cluster.audience_of(ANOTHER_APP_ID)
    )
    reply = _get(cluster, source, {"x-goog-iap-jwt-assertion": assertion})
    assert reply.status == 403, reply
    assert "is not this backend service" in reply.body, reply.body


def _get(cluster: Cluster, source: str, headers: dict[str, str], path: str = "") -> Reply:
    return to_pod(
        cluster.container_port,
        "GET",
        path or "/api/2.0/mlflow/users/current",
        source=source,
        host=cluster.settings.ingress.host,
        headers=headers,
    )


def test_two_backend_services_for_this_service_close_it_until_one_is_left(
    cluster: Cluster, google: GoogleStandIn
) -> None:
    duplicate = "6363636363636363"
    item = google.compute.add_backend_service(duplicate, service=cluster.ingress_service)
    try:
        # An assertion for another backend service asks the server to look again (at most
        # every 15 s); the look finds two: nothing pinned, every assertion waits.
        deadline = time.monotonic() + 60
        while (ours := cluster.from_lb_as_admin()).status != 503:
            assert ours.status == 200, ours
            assert time.monotonic() < deadline, "the server did not see the second one"
            cluster.from_lb_as_admin(cluster.audience_of(duplicate))
            time.sleep(0.5)
        assert ours.body.startswith(NOT_YET), ours.body
        theirs = cluster.from_lb_as_admin(cluster.audience_of(duplicate))
        assert theirs.status == 503, theirs  # neither is accepted
        # Requests without an assertion are not affected.
        health = _get(cluster, LB_ADDRESS, {}, "/health")
        assert (health.status, health.body) == (200, "OK")
        assert _get(cluster, "127.0.0.1", {}).status == 200
    finally:
        google.compute.backend_services.remove(item)
    cluster.wait_pinned()
    assert cluster.from_lb_as_admin(cluster.audience_of(duplicate)).status == 403
