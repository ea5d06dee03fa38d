"""The invariants of every environment's NetworkPolicies (registered in the INVARIANTS of
tests/support/invariants.py, which imports this module)."""

from __future__ import annotations

from tests.support.invariants import Output, _require, invariant


@invariant
def every_pod_resolves_names_on_every_gke_dns_setup(out: Output) -> None:
    """Each NetworkPolicy that limits egress lets its pods reach every resolver GKE may have
    put in their resolv.conf, UDP and TCP 53: kube-dns' pods, NodeLocal DNSCache (its pods and
    169.254.20.10) and, on GKE, Cloud DNS at the metadata server 169.254.169.254. Managed
    Prometheus' collectors (gke-gmp-system) may scrape the server on GKE."""
    wanted = [{"k8s-app": "kube-dns"}, {"k8s-app": "node-local-dns"}]
    link_local = {"169.254.20.10/32"} | (
        {"169.254.169.254/32"} if out.settings.target.is_gke else set()
    )
    for policy in out.kind("NetworkPolicy"):
        spec, name = policy["spec"], policy["metadata"]["name"]
        if "Egress" not in spec["policyTypes"]:
            continue
        dns = [
            r
            for r in spec.get("egress", [])
            if {(p["protocol"], p["port"]) for p in r.get("ports", [])}
            == {("UDP", 53), ("TCP", 53)}
        ]
        _require(len(dns) == 1, f"{name}: one DNS rule, found {len(dns)}")
        peers = dns[0]["to"]
        pods = [p["podSelector"]["matchLabels"] for p in peers if "podSelector" in p]
        blocks = {p["ipBlock"]["cidr"] for p in peers if "ipBlock" in p}
        _require(pods == wanted, f"{name}: DNS pods {pods}")
        _require(blocks == link_local, f"{name}: DNS addresses {sorted(blocks)}")
        for p in peers:
            if "podSelector" in p:
                ns = p["namespaceSelector"]["matchLabels"]
                _require(ns == {"kubernetes.io/metadata.name": "kube-system"}, f"{name}: {ns}")
    if out.settings.target.is_gke:
        (deployment,) = out.kind("Deployment")
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        (server,) = [
            p
            for p in out.kind("NetworkPolicy")
            if all(labels.get(k) == v for k, v in p["spec"]["podSelector"]["matchLabels"].items())
        ]
        namespaces = {
            v
            for r in server["spec"].get("ingress", [])
            for p in r.get("from", [])
            for e in p.get("namespaceSelector", {}).get("matchExpressions", [])
            for v in e["values"]
        }
        _require("gke-gmp-system" in namespaces, "Managed Prometheus cannot scrape the server")
