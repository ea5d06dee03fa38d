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

# Managed collection's collectors run in this namespace; the NetworkPolicy admits them.
GMP_NAMESPACE = "gmp-system"
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
