"""Compose the environment's charts (one YAML file each in dist/, applied in name order).

`kubectl apply -f dist/` reads the files sorted by name: the Namespace comes first, then the
objects that the Deployment refers to, the workload, its load balancer and its policy.
"""

from __future__ import annotations

from cdk8s import App, Chart
from cdk8s_plus_25 import k8s

from k8s.config import build_config_chart
from k8s.ingress import build_ingress_chart
from k8s.meta import Workload
from k8s.policy import build_policy_chart
from k8s.server import build_server_chart
from settings import Settings


def build(app: App, settings: Settings) -> list[Chart]:
    w = Workload.of(settings)
    namespace = Chart(app, "00-namespace", labels=w.labels)
    k8s.KubeNamespace(namespace, "namespace", metadata=k8s.ObjectMeta(name=w.namespace))
    charts = [namespace, build_config_chart(app, settings), build_server_chart(app, settings)]
    if settings.is_gke:
        # Off GKE: no Google load balancer, and a CNI that may not enforce NetworkPolicy.
        charts += [build_ingress_chart(app, settings), build_policy_chart(app, settings)]
    return charts
