"""Compose the environment's charts (one YAML file each in dist/, applied in name order).

`kubectl apply -f dist/` reads the files sorted by name: the Namespace comes first, then the
objects that the Deployment refers to, the workload, its load balancer and its policy, then the
garbage-collection CronJob.
"""

from __future__ import annotations

from cdk8s import App, Chart
from cdk8s_plus_25 import k8s

from k8s.config import build_config_chart
from k8s.gc import build_gc_chart
from k8s.platforms import platform_for
from k8s.server import build_server_chart
from settings import Settings


def build(app: App, settings: Settings) -> list[Chart]:
    platform = platform_for(settings)
    w = platform.workload
    namespace = Chart(app, "00-namespace", labels=w.labels)
    k8s.KubeNamespace(namespace, "namespace", metadata=k8s.ObjectMeta(name=w.namespace))
    charts = [namespace, build_config_chart(app, settings), build_server_chart(app, settings)]
    return [*charts, *platform.extra_charts(app), build_gc_chart(app, settings)]
