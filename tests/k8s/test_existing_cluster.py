"""platform gke-existing, the Kubernetes side: the same manifests as on a GKE cluster the
project creates, pointed at the team's ranges."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from settings import Settings
from settings.existing_cluster import GoogleApisRoute

Objects = dict[str, list[dict[str, Any]]]


def test_the_manifests_are_gkes_with_the_teams_ranges(
    k8s_synth: Callable[[Settings], Objects], shared_settings: Settings, gke_settings: Settings
) -> None:
    objects = [o for docs in k8s_synth(shared_settings).values() for o in docs]
    gke = [o for docs in k8s_synth(gke_settings).values() for o in docs]
    assert sorted(o["kind"] for o in objects) == sorted(o["kind"] for o in gke)
    (policy,) = [
        o
        for o in objects
        if o["kind"] == "NetworkPolicy" and o["metadata"]["name"] == shared_settings.names.service
    ]
    cidrs = {
        p["ipBlock"]["cidr"]
        for rule in policy["spec"]["egress"]
        for p in rule.get("to", [])
        if "ipBlock" in p
    }
    assert "10.200.0.0/16" in cidrs  # Cloud SQL, in the shared VPC's existing range
    (cm,) = [o for o in objects if o["metadata"]["name"] == "mlflow-server-config"]
    pod_ip = str(next(ipaddress.ip_network("10.128.0.0/14").hosts()))
    from mlflow.server.security_utils import is_allowed_host_header
    from mlflow_entrypoint.pod_address import with_pod_address

    # The pod's address comes at start (POD_IP), never as a pattern for the team's range.
    hosts = cm["data"]["MLFLOW_SERVER_ALLOWED_HOSTS"].split(",")
    assert not is_allowed_host_header(hosts, f"{pod_ip}:5000")
    started = with_pod_address({**cm["data"], "POD_IP": pod_ip})
    allowed = started["MLFLOW_SERVER_ALLOWED_HOSTS"].split(",")
    assert is_allowed_host_header(allowed, f"{pod_ip}:5000")


def test_public_google_apis_open_https_outside_the_private_ranges(
    k8s_synth: Callable[[Settings], Objects], shared_settings: Settings
) -> None:
    existing = shared_settings.existing_cluster
    assert existing is not None
    public = shared_settings.model_copy(
        update={
            "existing_cluster": existing.model_copy(update={"google_apis": GoogleApisRoute.PUBLIC})
        }
    )
    objects = [o for docs in k8s_synth(public).values() for o in docs]
    (policy,) = [
        o
        for o in objects
        if o["kind"] == "NetworkPolicy" and o["metadata"]["name"] == shared_settings.names.service
    ]
    blocks = [
        p["ipBlock"]
        for rule in policy["spec"]["egress"]
        for p in rule.get("to", [])
        if "ipBlock" in p
    ]
    (anywhere,) = [b for b in blocks if b["cidr"] == "0.0.0.0/0"]
    assert set(anywhere["except"]) == {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"}
