"""The server workload's knobs that Helm-chart users set in values.yaml, typed and validated.

Resources per container, a HorizontalPodAutoscaler, scheduling (nodeSelector, tolerations,
affinity, spread), extra environment variables and `mlflow server` options, pod annotations and
labels, the log level. What the project itself sets (the backend store, the artifact proxy, the
security middleware's lists, ...) is refused with the reason and the setting that owns it:
settings/server_options.py.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from settings import rules
from settings.server_options import OWNED_ENV, owned_option_reason
from settings.types import Section

# Kubernetes quantities: https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
_QUANTITY = re.compile(r"([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?")
_FACTORS = {
    "m": Decimal("0.001"),
    "": Decimal(1),
    "k": Decimal(10) ** 3,
    "M": Decimal(10) ** 6,
    "G": Decimal(10) ** 9,
    "T": Decimal(10) ** 12,
    "P": Decimal(10) ** 15,
    "E": Decimal(10) ** 18,
    "Ki": Decimal(2) ** 10,
    "Mi": Decimal(2) ** 20,
    "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40,
    "Pi": Decimal(2) ** 50,
    "Ei": Decimal(2) ** 60,
}
RESOURCE_NAMES = ("cpu", "memory", "ephemeral-storage")


def quantity_value(text: str) -> Decimal:
    """A Kubernetes quantity as a number (cores for cpu, bytes for memory and storage)."""
    match = _QUANTITY.fullmatch(text)
    if not match:
        raise ValueError(
            f"{text!r} is not a Kubernetes quantity (a number with an optional suffix: m, k, M, "
            "G, Ki, Mi, Gi, ...; e.g. 250m, 576Mi, 1Gi)"
        )
    return Decimal(match[1]) * _FACTORS[match[2] or ""]


def _quantities(value: dict[str, str]) -> dict[str, str]:
    for name, quantity in value.items():
        if name not in RESOURCE_NAMES:
            raise ValueError(f"resource {name!r} must be one of {', '.join(RESOURCE_NAMES)}")
        quantity_value(quantity)
    return value


Quantities = Annotated[dict[str, str], AfterValidator(_quantities)]


class ContainerResources(Section):
    """Requests and limits of one container (Kubernetes quantities)."""

    requests: Quantities = Field(description="cpu, memory, ephemeral-storage requested.")
    limits: Quantities = Field(description="Limits; no cpu limit by default (CFS throttling).")

    @model_validator(mode="after")
    def _limits_cover_requests(self) -> ContainerResources:
        if "memory" not in self.requests or "memory" not in self.limits:
            raise ValueError("requests.memory and limits.memory are both required")
        for name, limit in self.limits.items():
            request = self.requests.get(name)
            if request is not None and quantity_value(limit) < quantity_value(request):
                raise ValueError(f"limits.{name} {limit} is below requests.{name} {request}")
        return self


# Measured (bench/server_perf.py, the e2e run, 2 vCPU): the server as configured here (1 uvicorn
# worker, job runner off) peaked at 514-522 MiB RSS (~430 MiB PSS) under load and after a
# training run (2026-11-27); with the current lock the same code sits at 574-579 MiB after the
# training run, 591 MiB with IAP identities on (2026-12-01), 695 MiB on MLflow 3.18 with IAP
# identities and the hardened plugin (2026-12-06, tests/e2e/test_deployment.py), and each
# proxied upload in flight adds ~70 MiB (bench/large_artifacts.py). The request covers the idle
# figure with some headroom; the limit holds two concurrent uploads and large listings.
# `mlflow db upgrade` on an empty database peaks at 231 MiB, 265 MiB with the auth database too
# (MLflow's auth app is imported for its migrations), then exits. The Auth Proxy: small
# requests; its limit bounds a connection burst.
DEFAULT_RESOURCES: dict[str, dict[str, dict[str, str]]] = {
    "server": {"requests": {"cpu": "250m", "memory": "768Mi"}, "limits": {"memory": "1Gi"}},
    "migrate": {"requests": {"cpu": "100m", "memory": "288Mi"}, "limits": {"memory": "512Mi"}},
    "proxy": {"requests": {"cpu": "50m", "memory": "32Mi"}, "limits": {"memory": "256Mi"}},
}


def _shown(sizes: dict[str, dict[str, str]]) -> str:
    return "; ".join(
        f"{part} " + ", ".join(f"{k} {v}" for k, v in values.items())
        for part, values in sizes.items()
    )


class Resources(Section):
    """Per-container resources. A container, `requests` or `limits` given in the config is
    merged key by key into the defaults, so `server: {limits: {memory: 2Gi}}` changes one value."""

    server: ContainerResources = Field(
        description=f"The `mlflow` container. Default: {_shown(DEFAULT_RESOURCES['server'])}; "
        "ephemeral-storage: the /tmp that server.artifact_transfers needs as the request, plus "
        "1Gi for logs as the limit."
    )
    migrate: ContainerResources = Field(
        description="The `db-migrate` init container. Default: "
        f"{_shown(DEFAULT_RESOURCES['migrate'])}."
    )
    proxy: ContainerResources = Field(
        description="The `cloud-sql-proxy` native sidecar. Default: "
        f"{_shown(DEFAULT_RESOURCES['proxy'])}."
    )

    @model_validator(mode="before")
    @classmethod
    def _merge_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        merged: dict[str, Any] = {}
        for container, default in DEFAULT_RESOURCES.items():
            given = data.get(container, {})
            if not isinstance(given, dict):
                merged[container] = given  # the field's own validation names the error
                continue
            merged[container] = {
                part: {**default[part], **given.get(part, {})}
                if isinstance(given.get(part, {}), dict)
                else given[part]
                for part in ("requests", "limits")
            } | {k: v for k, v in given.items() if k not in ("requests", "limits")}
        return merged | {k: v for k, v in data.items() if k not in DEFAULT_RESOURCES}


class Autoscaling(Section):
    """A HorizontalPodAutoscaler for the server (autoscaling/v2). Off: `server.replicas` pods."""

    enabled: bool = Field(False, description="Create the HorizontalPodAutoscaler.")
    min_replicas: int = Field(2, ge=1, description="Fewest pods (2 keeps one through a drain).")
    max_replicas: int = Field(6, ge=1, description="Most pods.")
    cpu_utilization: int | None = Field(
        70, ge=1, le=100, description="Target average CPU, % of the server's cpu request."
    )
    memory_utilization: int | None = Field(
        None, ge=1, le=100, description="Target average memory, % of the memory request."
    )

    @model_validator(mode="after")
    def _coherent(self) -> Autoscaling:
        if self.max_replicas < self.min_replicas:
            raise ValueError(
                f"max_replicas {self.max_replicas} is below min_replicas {self.min_replicas}"
            )
        if self.enabled and self.cpu_utilization is None and self.memory_utilization is None:
            raise ValueError("set cpu_utilization or memory_utilization (or both)")
        return self


class Toleration(Section):
    """One pod toleration (e.g. for a dedicated, tainted node pool)."""

    key: Annotated[str, AfterValidator(rules.K8S_LABEL_KEY.check)] | None = Field(
        None, description="Taint key; none with operator Exists tolerates every taint."
    )
    operator: Literal["Equal", "Exists"] = Field("Equal", description="Equal or Exists.")
    value: Annotated[str, AfterValidator(rules.K8S_LABEL_VALUE.check)] | None = Field(
        None, description="Taint value (operator Equal)."
    )
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"] | None = Field(
        None, description="Taint effect; none matches every effect."
    )
    toleration_seconds: int | None = Field(
        None, ge=0, description="NoExecute only: how long the pod stays after the taint appears."
    )

    @model_validator(mode="after")
    def _coherent(self) -> Toleration:
        if self.operator == "Exists" and self.value is not None:
            raise ValueError("operator Exists takes no value")
        if self.operator == "Equal" and self.key is None:
            raise ValueError("operator Equal needs a key")
        if self.toleration_seconds is not None and self.effect != "NoExecute":
            raise ValueError("toleration_seconds applies to effect NoExecute only")
        return self


class TopologySpread(Section):
    """One topologySpreadConstraint over the server's pods."""

    topology_key: Annotated[str, AfterValidator(rules.K8S_LABEL_KEY.check)] = Field(
        description="Node label to spread over, e.g. topology.kubernetes.io/zone."
    )
    max_skew: int = Field(1, ge=1, description="Largest allowed difference in pod count.")
    when_unsatisfiable: Literal["ScheduleAnyway", "DoNotSchedule"] = Field(
        "ScheduleAnyway",
        description="ScheduleAnyway (a preference) or DoNotSchedule (a hard rule).",
    )


DEFAULT_SPREAD = (
    TopologySpread(topology_key="topology.kubernetes.io/zone"),
    TopologySpread(topology_key="kubernetes.io/hostname"),
)
AFFINITY_KINDS = ("nodeAffinity", "podAffinity", "podAntiAffinity")


def _affinity(value: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(value) - set(AFFINITY_KINDS))
    if unknown:
        raise ValueError(
            f"unknown affinity kind {unknown[0]!r}: the Kubernetes `affinity` object takes "
            f"{', '.join(AFFINITY_KINDS)} (camelCase, as in a pod spec)"
        )
    for kind, rule in value.items():
        if not isinstance(rule, dict) or not rule:
            raise ValueError(f"affinity {kind} must be a non-empty mapping, as in a pod spec")
    return value


def _pod_labels(value: dict[str, str]) -> dict[str, str]:
    for key, label in value.items():
        rules.K8S_LABEL_KEY.check(key)
        rules.K8S_LABEL_VALUE.check(label)
        if key.startswith("app.kubernetes.io/"):
            raise ValueError(
                f"label {key!r}: app.kubernetes.io/* labels are the project's (they select the "
                "pods for the Service, the PodDisruptionBudget and the NetworkPolicy)"
            )
    return value


def _annotations(value: dict[str, str]) -> dict[str, str]:
    for key in value:
        rules.K8S_LABEL_KEY.check(key)
        if key == "checksum/config":
            raise ValueError("annotation 'checksum/config' is the project's (it rolls the pods)")
    return value


def _extra_env(value: dict[str, str]) -> dict[str, str]:
    for name in value:
        rules.ENV_NAME.check(name)
        if name in OWNED_ENV:
            raise ValueError(f"{name} is set by the project: {OWNED_ENV[name]}")
        if re.search(r"PASSWORD|SECRET|TOKEN|PRIVATE|CREDENTIAL|API_?KEY", name):
            raise ValueError(
                f"{name} looks like a credential: extra_env lands in the ConfigMap and in dist/; "
                "keep secrets in Secret Manager"
            )
    return value


def _extra_args(value: tuple[str, ...]) -> tuple[str, ...]:
    for arg in value:
        if not arg.startswith("--"):
            raise ValueError(f"{arg!r}: give each `mlflow server` option as --name or --name=value")
        reason = owned_option_reason(arg.split("=", 1)[0])
        if reason:
            raise ValueError(f"{arg.split('=', 1)[0]} is set by the project: {reason}")
    return value


class LogLevel(StrEnum):
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


class WorkloadKnobs(Section):
    """Mixed into ServerSettings: the knobs a Helm chart's values.yaml offers."""

    resources: Resources = Field(
        default_factory=lambda: Resources.model_validate({}),
        description="Per-container requests and limits.",
    )
    autoscaling: Autoscaling = Field(default_factory=Autoscaling)
    node_selector: Annotated[dict[str, str], AfterValidator(_pod_labels)] = Field(
        default_factory=dict,
        description="nodeSelector of the server's pods, e.g. a dedicated node pool "
        "(cloud.google.com/gke-nodepool: <pool>).",
    )
    tolerations: tuple[Toleration, ...] = Field((), description="Pod tolerations.")
    affinity: Annotated[dict[str, Any], AfterValidator(_affinity)] | None = Field(
        None,
        description="The pod's Kubernetes `affinity` (nodeAffinity, podAffinity, "
        "podAntiAffinity), camelCase as in a pod spec; mapped through the charts' Kubernetes "
        "API types (a field they lack fails the synth) and validated against the Kubernetes "
        "schema by `make test`.",
    )
    topology_spread: tuple[TopologySpread, ...] = Field(
        DEFAULT_SPREAD,
        description="topologySpreadConstraints over the server's pods. Default: zones, then "
        "nodes, ScheduleAnyway (a single-zone cluster or one node still runs every replica).",
    )
    pod_annotations: Annotated[dict[str, str], AfterValidator(_annotations)] = Field(
        default_factory=dict, description="Extra annotations on the server's pods."
    )
    pod_labels: Annotated[dict[str, str], AfterValidator(_pod_labels)] = Field(
        default_factory=dict, description="Extra labels on the server's pods."
    )
    extra_env: Annotated[dict[str, str], AfterValidator(_extra_env)] = Field(
        default_factory=dict,
        description="Extra environment variables of the server (in its ConfigMap: no secrets). "
        "The ones the project sets are refused, naming the setting that owns them.",
    )
    extra_args: Annotated[tuple[str, ...], AfterValidator(_extra_args)] = Field(
        (),
        description="Extra `mlflow server` options (--name or --name=value). The ones the "
        "project sets are refused, naming the setting that owns them.",
    )
    log_level: LogLevel = Field(
        LogLevel.INFO, description="MLflow's and uvicorn's log level (any case: info = INFO)."
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level_in_any_case(cls, value: Any) -> Any:
        """Helm charts' values.yaml files write log levels in lower case; both mean the same."""
        return value.upper() if isinstance(value, str) else value
