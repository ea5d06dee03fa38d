"""The invariants of every environment's pods and NetworkPolicies (registered in the INVARIANTS
of tests/support/invariants.py, which imports this module)."""

from __future__ import annotations

from tests.support.invariants import Output, _require, invariant


@invariant
def garbage_collection_ends_and_never_overlaps(out: Output) -> None:
    """One gc CronJob, with the server's identity and no more: never two runs at once, a
    deadline, kept history, and a native sidecar proxy that ends with the gc container (a
    regular sidecar container would keep every Job running)."""
    (cron,) = out.kind("CronJob")
    spec = cron["spec"]
    _require(spec["concurrencyPolicy"] == "Forbid", "gc runs may overlap")
    _require(spec["jobTemplate"]["spec"].get("activeDeadlineSeconds", 0) > 0, "no deadline")
    for key in ("successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        _require(key in spec, f"no {key}")
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    _require(pod["restartPolicy"] in ("Never", "OnFailure"), "gc pod restarts forever")
    (sidecar,) = pod.get("initContainers", [])
    _require(sidecar["name"] == "cloud-sql-proxy", "the proxy is the gc pod's init container")
    _require(sidecar.get("restartPolicy") == "Always", "the proxy is no native sidecar")
    _require([c["name"] for c in pod["containers"]] == ["gc"], "one gc container")
    (gc,) = pod["containers"]
    _require(gc["args"][0] == "gc" and gc["command"] == ["mlflow-entrypoint"], "gc command")
    _require(not [a for a in gc["args"] if "://" in a or "backend-store" in a], "URI in argv")
    _require(pod["serviceAccountName"] == out.pod()["serviceAccountName"], "gc identity")
    for env in gc.get("env", []):
        _require("value" not in env or "://" not in str(env["value"]), f"gc env {env['name']}")
    policies = {p["metadata"]["name"]: p["spec"] for p in out.kind("NetworkPolicy")}
    labels = spec["jobTemplate"]["spec"]["template"]["metadata"]["labels"]
    guarded = [
        p
        for p in policies.values()
        if all(labels.get(k) == v for k, v in p["podSelector"]["matchLabels"].items())
    ]
    _require(len(guarded) == 1 and not guarded[0].get("ingress"), "gc pods admit traffic")
    for service in out.kind("Service"):
        selector = service["spec"].get("selector", {})
        _require(not all(labels.get(k) == v for k, v in selector.items()), "a Service selects gc")


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
