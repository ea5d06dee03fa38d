"""Google Cloud Managed Service for Prometheus scrapes the server's /metrics (GKE only)."""

from __future__ import annotations

from cdk8s import Chart

from imports.podmonitoring.com.googleapis.monitoring import (
    PodMonitoring,
    PodMonitoringSpec,
    PodMonitoringSpecEndpoints,
    PodMonitoringSpecEndpointsPort,
    PodMonitoringSpecSelector,
)
from k8s.meta import HTTP_PORT_NAME, Workload
from settings.contract import METRICS_PATH

# GKE-managed collection (on by default on GKE, always on Autopilot, required of an existing
# cluster by infra/cluster_lookup.py) runs its collector DaemonSet in gke-gmp-system, a
# namespace GKE manages; gmp-system is where the operator runs when a team installs it itself
# (GKE attached clusters: "Authorize the gmp-system/collector ... service accounts",
# https://cloud.google.com/kubernetes-engine/multi-cloud/docs/attached/eks/how-to/
# managed-service-prometheus). Google's pages state the managed namespace only in passing, so
# docs/gke-defaults.md gathers the field evidence; a live cluster shows it with `kubectl get
# pods -A -l app.kubernetes.io/name=collector`. The NetworkPolicy admits the
# managed namespace; a team whose collector runs elsewhere names it in server.allowed_namespaces.
GMP_NAMESPACE = "gke-gmp-system"
SCRAPE_INTERVAL = "30s"


def add_pod_monitoring(chart: Chart, w: Workload) -> None:
    PodMonitoring(
        chart,
        "pod-monitoring",
        metadata={"name": w.name},
        spec=PodMonitoringSpec(
            selector=PodMonitoringSpecSelector(match_labels=w.selector),
            endpoints=[
                PodMonitoringSpecEndpoints(
                    port=PodMonitoringSpecEndpointsPort.from_string(HTTP_PORT_NAME),
                    path=METRICS_PATH,
                    interval=SCRAPE_INTERVAL,
                )
            ],
        ),
    )
