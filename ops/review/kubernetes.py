"""What applying the new manifests would do to the cluster's objects.

Objects are matched by kind, namespace and name. A workload whose pod template changes rolls
its pods (Deployment, StatefulSet, DaemonSet: every pod is replaced); a CronJob's next runs use
the new template; a Job's template is immutable, so the apply fails until the Job is deleted.
A changed replica count alone only scales. NetworkPolicy, RBAC and the edge's objects (Ingress,
Gateway, routes, their policies) are called out with what they allow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ops.review.terraform import MISSING, Attr, flatten

# Where each workload kind keeps its pod template.
POD_TEMPLATE = {
    "Deployment": "spec.template",
    "StatefulSet": "spec.template",
    "DaemonSet": "spec.template",
    "ReplicaSet": "spec.template",
    "Job": "spec.template",
    "CronJob": "spec.jobTemplate.spec.template",
}
RBAC = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ServiceAccount"}
EDGE = {
    "Ingress",
    "Gateway",
    "HTTPRoute",
    "GRPCRoute",
    "Service",
    "BackendConfig",
    "FrontendConfig",
    "ManagedCertificate",
    "GCPBackendPolicy",
    "GCPGatewayPolicy",
    "HealthCheckPolicy",
}
CALLOUTS = {"NetworkPolicy": "network policy", **dict.fromkeys(RBAC, "RBAC")}
CALLOUTS.update(dict.fromkeys(EDGE, "edge"))


@dataclass
class K8sChange:
    kind: str
    namespace: str | None
    name: str
    action: str  # create | update | delete
    file: str
    attrs: list[Attr] = field(default_factory=list)
    restart: str | None = None  # what happens to the pods, when the template changed
    scale: tuple[Any, Any] | None = None
    rules_added: list[str] = field(default_factory=list)  # NetworkPolicy rules, RBAC rules
    rules_removed: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return (
            f"{self.kind} {self.namespace}/{self.name}"
            if self.namespace
            else (f"{self.kind} {self.name}")
        )

    @property
    def callout(self) -> str | None:
        return CALLOUTS.get(self.kind)


def _key(obj: dict[str, Any]) -> tuple[str, str, str]:
    meta = obj.get("metadata") or {}
    group = (
        str(obj.get("apiVersion", "")).rsplit("/", 1)[0]
        if "/" in str(obj.get("apiVersion", ""))
        else ""
    )
    return (
        f"{obj.get('kind')}.{group}" if group else str(obj.get("kind")),
        meta.get("namespace") or "",
        meta.get("name") or "",
    )


def diff(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[K8sChange]:
    before = {_key(o): o for o in old}
    after = {_key(o): o for o in new}
    changes = []
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        obj = now or was
        assert obj is not None
        kind = str(obj.get("kind"))
        meta = obj.get("metadata") or {}
        change = K8sChange(
            kind,
            meta.get("namespace"),
            str(meta.get("name")),
            "create" if was is None else "delete" if now is None else "update",
            str(obj.get("__file__", "")),
        )
        if was is not None and now is not None:
            a = flatten({k: v for k, v in was.items() if k != "__file__"})
            b = flatten({k: v for k, v in now.items() if k != "__file__"})
            change.attrs = [
                Attr(p, a.get(p, MISSING), b.get(p, MISSING))
                for p in sorted(a.keys() | b.keys())
                if a.get(p, MISSING) != b.get(p, MISSING)
            ]
            if not change.attrs:
                continue
            _workload(change)
        _rules(change, was, now)
        changes.append(change)
    return changes


def _workload(change: K8sChange) -> None:
    template = POD_TEMPLATE.get(change.kind)
    for attr in change.attrs:
        if attr.path == "spec.replicas":
            change.scale = (attr.old, attr.new)
    if not template or not any(a.path.startswith(template + ".") for a in change.attrs):
        return
    if change.kind == "CronJob":
        change.restart = "the next scheduled runs use the new pod template (running jobs go on)"
    elif change.kind == "Job":
        change.restart = "a Job's pod template is immutable: the apply fails until it is deleted"
    else:
        change.restart = "every pod is replaced (a rolling update)"


def _rules(change: K8sChange, was: dict[str, Any] | None, now: dict[str, Any] | None) -> None:
    if change.kind == "NetworkPolicy":
        before, after = _policy_rules(was), _policy_rules(now)
    elif change.kind in ("Role", "ClusterRole"):
        before, after = _rbac_rules(was), _rbac_rules(now)
    elif change.kind in ("RoleBinding", "ClusterRoleBinding"):
        before, after = _subjects(was), _subjects(now)
    else:
        return
    change.rules_added = [r for r in after if r not in before]
    change.rules_removed = [r for r in before if r not in after]


def _policy_rules(obj: dict[str, Any] | None) -> list[str]:
    spec = (obj or {}).get("spec") or {}
    out = []
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        for rule in spec.get(direction) or []:
            peers = rule.get(peers_key)
            who = ", ".join(_peer(p) for p in peers) if peers else "anywhere"
            ports = (
                ", ".join(
                    f"{p.get('protocol', 'TCP')}/{p.get('port', '*')}"
                    + (f"-{p['endPort']}" if "endPort" in p else "")
                    for p in rule.get("ports") or []
                )
                or "every port"
            )
            word = "from" if direction == "ingress" else "to"
            out.append(f"{direction} {word} {who} on {ports}")
    if spec and not spec.get("ingress") and "Ingress" in (spec.get("policyTypes") or []):
        out.append("ingress: none allowed")
    if spec and not spec.get("egress") and "Egress" in (spec.get("policyTypes") or []):
        out.append("egress: none allowed")
    return out


def _selector(sel: dict[str, Any] | None) -> str:
    if not sel:
        return "all"
    labels = [f"{k}={v}" for k, v in sorted((sel.get("matchLabels") or {}).items())]
    labels += [
        f"{e.get('key')} {str(e.get('operator')).lower()} ({', '.join(e.get('values') or [])})"
        for e in sel.get("matchExpressions") or []
    ]
    return ",".join(labels) or "all"


def _peer(peer: dict[str, Any]) -> str:
    if "ipBlock" in peer:
        block = peer["ipBlock"]
        cidr = str(block.get("cidr"))
        text = "ANY ADDRESS " + cidr if cidr in ("0.0.0.0/0", "::/0") else cidr
        return text + (f" except {','.join(block['except'])}" if block.get("except") else "")
    parts = []
    if "namespaceSelector" in peer:
        parts.append(f"namespaces[{_selector(peer['namespaceSelector'])}]")
    if "podSelector" in peer:
        parts.append(f"pods[{_selector(peer['podSelector'])}]")
    return " ".join(parts) or "anywhere"


def _rbac_rules(obj: dict[str, Any] | None) -> list[str]:
    return [
        f"{','.join(r.get('verbs') or [])} on "
        f"{','.join(r.get('resources') or r.get('nonResourceURLs') or [])}"
        + (f" named {','.join(r['resourceNames'])}" if r.get("resourceNames") else "")
        for r in (obj or {}).get("rules") or []
    ]


def _subjects(obj: dict[str, Any] | None) -> list[str]:
    ref = (obj or {}).get("roleRef") or {}
    return [
        f"{s.get('kind')} {s.get('namespace', '') + '/' if s.get('namespace') else ''}"
        f"{s.get('name')} -> {ref.get('kind')} {ref.get('name')}"
        for s in (obj or {}).get("subjects") or []
    ]
