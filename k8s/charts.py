"""Compose the environment's charts (one YAML file each in dist/, applied in name order)."""

from __future__ import annotations

from cdk8s import App, Chart
from cdk8s_plus_25 import k8s

from settings import Settings


def build(app: App, settings: Settings) -> list[Chart]:
    names = settings.names
    chart = Chart(app, "00-namespace")
    k8s.KubeNamespace(chart, "namespace", metadata=k8s.ObjectMeta(name=names.namespace))
    return [chart]
