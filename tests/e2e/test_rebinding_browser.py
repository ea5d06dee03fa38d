"""DNS rebinding, in Debian's Chromium: a web page whose name its owner points at 127.0.0.1 while
`make port-forward` runs cannot read the server through the port-forward address.

After a rebinding, the attacker's page and its same-origin fetches go to 127.0.0.1:<port> (the
port-forward, the pod's loopback here) with the attacker's name in the Host header. Chromium's
host resolver rules play the rebound DNS; the attacker's script runs in a document of the
attacker's origin, loaded from that address (a page served by a route instead would count as a
public document, and Chromium's Private Network Access would block the fetch for that other
reason). The allowed hosts are exact (k8s/config.py): `10.16.rebind.attacker.example`, which
the former pod-range pattern `10.16.*` admitted, gets MLflow's 403. A page on one of the
server's own names, under the same rules, reads it: the harness can tell a read from a refusal.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.browser import CHROMIUM_FLAGS, chromium
from tests.e2e.conftest import Cluster

pytestmark = pytest.mark.e2e

ATTACK_PAGE = "/attack.html"  # whatever the server answers: the document's origin is what counts
READ = "/api/2.0/mlflow/experiments/search?max_results=5"


def _rebinding_names(cluster: Cluster) -> list[str]:
    first_octets = ".".join(cluster.settings.network.pods_cidr.split(".")[:2])
    return [f"{first_octets}.rebind.attacker.example", "rebind.attacker.example"]


def _read_from_page(cluster: Cluster, names: list[str]) -> dict[str, tuple[int, str]]:
    """For each name: open a document of http://<name>:<service port> and fetch the API from it
    (same origin, as the attacker's script would) -> (status, body)."""
    from playwright.sync_api import sync_playwright

    port = cluster.service_port
    rules = ", ".join(f"MAP {n}:{port} 127.0.0.1:{cluster.container_port}" for n in names)
    profile = Path(tempfile.mkdtemp(prefix="e2e-rebinding-"))
    results: dict[str, tuple[int, str]] = {}

    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                str(profile),
                executable_path=chromium(),
                args=[*CHROMIUM_FLAGS, f"--host-resolver-rules={rules}"],
                headless=True,
                chromium_sandbox=False,
            )
            try:
                page = context.new_page()
                for name in names:
                    page.goto(f"http://{name}:{port}{ATTACK_PAGE}")
                    got: Any = page.evaluate(
                        """async (url) => {
                            const r = await fetch(url, {credentials: "include"});
                            return [r.status, await r.text()];
                        }""",
                        READ,
                    )
                    results[name] = (int(got[0]), str(got[1]))
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return results


def test_a_rebinding_page_cannot_read_through_port_forward(cluster: Cluster) -> None:
    names = _rebinding_names(cluster)
    results = _read_from_page(cluster, [cluster.service_host, *names])
    status, body = results[cluster.service_host]
    assert status == 200, body[:500]  # the page of a name the server has reads it
    assert "experiments" in body or body.strip() == "{}", body[:500]
    for name in names:
        status, body = results[name]
        assert (status, body) == (
            403,
            "Invalid Host header - possible DNS rebinding attack detected",
        ), name
