"""The server as dist/ starts it answers the UI's POSTs from the ingress origin and refuses
foreign origins (the IAP plugin's exact check and MLflow's CORS guard, both fed by the
ConfigMap's allowlist)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.e2e.conftest import Cluster

pytestmark = pytest.mark.e2e

SEARCH = "/ajax-api/2.0/mlflow/experiments/search"


def post(cluster: Cluster, path: str, *, host: str, origin: str | None) -> tuple[int, str]:
    headers = {"Host": host, "Content-Type": "application/json"}
    if origin is not None:
        headers["Origin"] = origin
    body = json.dumps({"max_results": 5}).encode()
    req = urllib.request.Request(  # noqa: S310 - a loopback URL
        f"{cluster.local_url}{path}", data=body, headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310
            return int(resp.status), resp.read().decode()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read().decode()


def test_ui_origin_is_admitted(cluster: Cluster) -> None:
    host = cluster.settings.ingress.host
    status, body = post(cluster, SEARCH, host=host, origin=f"https://{host}")
    assert status == 200, body[:500]
    assert "experiments" in json.loads(body)


@pytest.mark.parametrize(
    "origin",
    ["https://evil.example.net", "https://{host}.evil.example.net", "http://{host}", "null"],
)
def test_foreign_origin_is_refused(cluster: Cluster, origin: str) -> None:
    host = cluster.settings.ingress.host
    origin = origin.format(host=host)
    status, body = post(cluster, SEARCH, host=host, origin=origin)
    # The IAP plugin's exact check (mlflow_iap_auth/guard.py) answers before MLflow's guard.
    assert (status, body) == (
        403,
        f"IAP: the origin {origin!r} is not one of this server's origins",
    )


def test_port_forward_origin_is_admitted(cluster: Cluster) -> None:
    port = cluster.service_port
    status, body = post(
        cluster, SEARCH, host=f"localhost:{port}", origin=f"http://localhost:{port}"
    )
    assert status == 200, body[:500]
