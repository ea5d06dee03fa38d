"""The server's HorizontalPodAutoscaler (autoscaling/v2), when server.autoscaling is on.

It scales on the average utilization of the server container's requests (cpu, memory). The
PodDisruptionBudget beside it stays maxUnavailable 1: with min_replicas 2 or more a node drain
always leaves a pod serving, and a single pod never blocks one.
"""

from __future__ import annotations

from cdk8s import Chart
from cdk8s_plus_33 import k8s

from k8s.meta import Workload
from settings.workload import Autoscaling


def _target(resource: str, percent: int) -> k8s.MetricSpecV2:
    return k8s.MetricSpecV2(
        type="Resource",
        resource=k8s.ResourceMetricSourceV2(
            name=resource,
            target=k8s.MetricTargetV2(type="Utilization", average_utilization=percent),
        ),
    )


def add_autoscaler(chart: Chart, autoscaling: Autoscaling, w: Workload) -> None:
    metrics = []
    if autoscaling.cpu_utilization is not None:
        metrics.append(_target("cpu", autoscaling.cpu_utilization))
    if autoscaling.memory_utilization is not None:
        metrics.append(_target("memory", autoscaling.memory_utilization))
    k8s.KubeHorizontalPodAutoscalerV2(
        chart,
        "autoscaler",
        metadata=k8s.ObjectMeta(name=w.name),
        spec=k8s.HorizontalPodAutoscalerSpecV2(
            scale_target_ref=k8s.CrossVersionObjectReferenceV2(
                api_version="apps/v1", kind="Deployment", name=w.name
            ),
            min_replicas=autoscaling.min_replicas,
            max_replicas=autoscaling.max_replicas,
            metrics=metrics,
            # Scale down slowly: an MLflow pod's memory falls only when it restarts, and a
            # training burst often comes back within minutes.
            behavior=k8s.HorizontalPodAutoscalerBehaviorV2(
                scale_down=k8s.HpaScalingRulesV2(
                    stabilization_window_seconds=300,
                    policies=[k8s.HpaScalingPolicyV2(type="Pods", value=1, period_seconds=60)],
                )
            ),
        ),
    )
